using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NSwag.CodeGeneration.CSharp;

namespace KeyGrains.WebApi.Tests.OpenApi;

/// <summary>
/// A client that an independent generator (NSwag, not the hand-written KeyGrains.Client) makes from
/// the published document works: it is generated in process, compiled with Roslyn together with
/// ClientFlow/MainFlow.cs (so the flow is type-checked against the generated API), and the flow
/// runs against the real server, every exchange checked against the document like the other tests'.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class GeneratedClientTests(ApiFixture fixture)
{
    [Fact]
    public async Task NSwagClient_FromThePublishedDocument_CompilesAndRunsTheMainFlow()
    {
        var host = fixture.Host;
        var json = await host.Anonymous.GetStringAsync(OpenApiContract.DocumentPath);
        var document = await NSwag.OpenApiDocument.FromJsonAsync(json);
        var settings = new CSharpClientGeneratorSettings
        {
            ClassName = "KeyGrainsClient",
            UseBaseUrl = false,
            GenerateClientInterfaces = false,
            CSharpGeneratorSettings =
            {
                Namespace = "KeyGrains.Generated",
                // NSwag's default. Its System.Text.Json flavour writes enums by their C# names
                // ("Standard"), which the document (rightly) refuses; this one writes "standard".
                JsonLibrary = NJsonSchema.CodeGeneration.CSharp.CSharpJsonLibrary.NewtonsoftJson,
                GenerateNullableReferenceTypes = true,
            },
        };
        var client = new CSharpClientGenerator(document, settings).GenerateFile();

        var assembly = Compile(client, Flow());
        var run = assembly.GetType("KeyGrains.Generated.MainFlow")!.GetMethod("RunAsync")!;
        using var http = new HttpClient(new OpenApiContract.CheckingHandler()) { BaseAddress = host.Address };
        http.DefaultRequestHeaders.Authorization = new("Bearer", ApiHost.OperatorToken);
        using var anonymous = new HttpClient(new OpenApiContract.CheckingHandler()) { BaseAddress = host.Address };
        var steps = await (Task<string[]>)run.Invoke(null, [http, anonymous])!;
        Assert.Equal(["org", "role", "key", "list", "get", "verify", "rotate", "revoke", "delete"], steps);
    }

    private static string Flow()
    {
        using var stream = typeof(GeneratedClientTests).Assembly.GetManifestResourceStream("ClientFlow/MainFlow.cs")!;
        return new StreamReader(stream).ReadToEnd();
    }

    private static Assembly Compile(params string[] sources)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Append(typeof(Newtonsoft.Json.JsonConvert).Assembly.Location)
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(
            "KeyGrains.Generated",
            sources.Select(s => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest))),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            var dump = Path.Combine(Path.GetTempPath(), "keygrains-nswag-client.cs");
            File.WriteAllText(dump, sources[0]);
            Assert.Fail($"The generated client (written to {dump}) does not compile:\n" + string.Join("\n", errors.Take(30)));
        }

        image.Position = 0;
        return new AssemblyLoadContext("generated-client", isCollectible: true).LoadFromStream(image);
    }
}
