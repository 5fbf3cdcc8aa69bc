namespace KeyGrains.Cluster.Tests.Processes;

/// <summary>Where the solution build put the silo and web API, in this test assembly's configuration.</summary>
public static class Built
{
    /// <param name="projectDir">The project's folder under <c>src</c>; the assembly is named after its last part.</param>
    public static string Dll(string projectDir)
    {
        var project = Path.GetFileName(projectDir).Replace("KeyGrains.", "", StringComparison.Ordinal);
        // bin/<Configuration>/net10.0/ of this test project: Release under ./test.sh, Debug in an IDE.
        var tfmDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfmDir.Parent!.Name;
        var path = Path.Combine(Postgres.RepoRoot(), "src", projectDir, "bin", configuration, tfmDir.Name, $"KeyGrains.{project}.dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"Build src/{projectDir} in {configuration} first (the test project references it, so building the tests does).", path);
    }
}
