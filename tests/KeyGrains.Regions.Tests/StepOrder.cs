using Xunit.Abstractions;
using Xunit.Sdk;

namespace KeyGrains.Regions.Tests;

/// <summary>The step a test runs at: the tests share one set of regions, and promotion ends it.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class StepAttribute(int step) : Attribute
{
    public int Step { get; } = step;
}

public sealed class StepOrder : ITestCaseOrderer
{
    public const string Name = "KeyGrains.Regions.Tests.StepOrder";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase =>
        testCases.OrderBy(t => t.TestMethod.Method.GetCustomAttributes(typeof(StepAttribute).AssemblyQualifiedName!)
            .Select(a => a.GetConstructorArguments().OfType<int>().First()).DefaultIfEmpty(int.MaxValue).First());
}
