using JourneyKit.Model;
using JourneyKit.Model.Json;

namespace JourneyKit.Tests.Model;

public sealed class JourneyValidationTests
{
    private static IReadOnlyList<JourneyProblem> Problems(string json)
    {
        var ex = Assert.Throws<JourneyValidationException>(() => JourneyJson.Load(json));
        Assert.NotEmpty(ex.Problems);
        return ex.Problems;
    }

    private const string Valid = """
        {
          "id": "j",
          "touchpoints": [ { "id": "app.open", "channel": "mobile" }, { "id": "paid", "channel": "web" } ],
          "stages": [
            { "id": "start", "touchpoints": ["app.open"], "standardTime": "1d" },
            { "id": "done", "touchpoints": ["paid"], "isGoal": true }
          ]
        }
        """;

    [Fact]
    public void Load_Valid_HasNoProblems() => Assert.Empty(JourneyJson.Load(Valid).Validate());

    [Fact]
    public void Load_UnknownTouchpoint_SuggestsClosest()
    {
        JourneyProblem p = Assert.Single(Problems(Valid.Replace("\"touchpoints\": [\"app.open\"]", "\"touchpoints\": [\"app.opn\"]", StringComparison.Ordinal)));
        Assert.Equal("JK0103", p.Code);
        Assert.Equal("stages[0].touchpoints[0]: unknown touchpoint 'app.opn' (did you mean 'app.open'?)", p.ToString());
    }

    [Theory]
    [InlineData("soon", "expected a duration like", "JK0122")]
    [InlineData("99999999999999999999d", "is too large", "JK0122")]
    [InlineData("-1d", "is negative", "JK0110")] // a negative duration: the same code as one given in code (issue 20)
    public void Load_BadDuration_SaysWhatIsWrong_Issue16(string text, string expected, string code)
    {
        // The parse problem (the stage then also lacks a valid standard time, a second problem).
        IReadOnlyList<JourneyProblem> problems = Problems(Valid.Replace("\"standardTime\": \"1d\"", $"\"standardTime\": \"{text}\"", StringComparison.Ordinal));
        JourneyProblem p = Assert.Single(problems, q => q.Message.Contains(expected, StringComparison.Ordinal));
        Assert.Equal((code, "stages[0].standardTime"), (p.Code, p.Path));
    }

    [Fact]
    public void Load_UnknownChannel_ReportsPathAndSuggestion()
    {
        JourneyProblem p = Assert.Single(Problems(Valid.Replace("\"mobile\"", "\"mobil\"", StringComparison.Ordinal)));
        Assert.Equal("touchpoints[0].channel", p.Path);
        Assert.Contains("unknown channel 'mobil' (did you mean 'mobile'?)", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ManyProblems_ReportsAllInDocumentOrder()
    {
        const string json = """
            {
              "id": "",
              "version": 0,
              "touchpoints": [ { "id": "a" }, { "id": "a" } ],
              "stages": [
                { "id": "s1", "touchpoints": ["a"], "standardTime": "0s", "next": ["s2"] },
                { "id": "s2", "touchpoints": ["a"], "standardTime": "1d", "maxTime": "1h", "next": ["s1"] },
                { "id": "orphan", "standardTime": "1d", "isGoal": true, "isFailure": true, "next": ["s1"] }
              ],
              "momentsOfTruth": [ { "id": "m", "pattern": "(a b", "weight": 0 } ],
              "kpis": [ { "id": "nps", "kind": "nps", "target": 150 } ],
              "personas": [ { "id": "p", "rule": { "all": [ { "attribute": "age", "op": "gt", "value": "old" } ] } } ]
            }
            """;
        IReadOnlyList<JourneyProblem> problems = Problems(json);
        string[] expected =
        [
            "id: id is required",
            "version: the version must be 1 or more, got 0",
            "touchpoints[1].id: duplicate touchpoint id 'a'",
            "personas[0].rule.all[0].value: 'old' is not a number (numeric operators compare invariant-culture numbers)",
            "stages[0].standardTime: the standard time must be positive, got 00:00:00",
            "stages[1].maxTime: the max time (01:00:00) must be positive and not below the standard time (1.00:00:00)",
            "stages[1].touchpoints[0]: touchpoint 'a' already places customers in stage 's1'; a touchpoint belongs to one stage",
            "stages[2]: a stage cannot be both the goal and a failure",
            "stages[2].next: a goal or failure stage ends the journey and cannot have next stages",
            "stages[0].next: from stage 's1' no goal or failure stage can be reached: its 'next' stages only cycle",
            "stages[1].next: from stage 's2' no goal or failure stage can be reached: its 'next' stages only cycle",
            "stages[2]: stage 'orphan' cannot be reached from the first stage 's1' through 'next'",
            "momentsOfTruth[0].weight: the weight must be a positive number, got 0",
            "momentsOfTruth[0].pattern: invalid pattern at column 1: '(' is not closed",
            "kpis[0].target: an NPS target lies from -100 to 100, got 150",
        ];
        Assert.Equal(expected, problems.Select(p => p.ToString()));
    }

    [Theory]
    [InlineData("", "$", "the document is empty")]
    [InlineData("null", "$", "the document is null")]
    [InlineData("[1,2]", "$", "line 1, column 2")]
    [InlineData("{\"id\": 5}", "id", "line 1, column 9")]
    [InlineData("{\"id\": \"j\", \"stagez\": []}", "stagez", "stagez")]
    [InlineData("{\"id\": \"j\",\n \"stages\": [ { \"id\": \"s\", \"standardTime\": \"soon\" } ] }", "stages[0].standardTime", "got 'soon'")]
    [InlineData("{\"id\": \"j\", \"stages\": [ { \"id\": \"s\", \"isGoal\": true, \"touchpoints\": [null] } ], \"touchpoints\": [null] }", "touchpoints[0]", "touchpoint is required")]
    public void Load_HostileJson_ThrowsLocatedProblem(string json, string path, string fragment)
    {
        JourneyProblem p = Problems(json)[0];
        Assert.Equal(path, p.Path);
        Assert.Contains(fragment, p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ValueAndModelProblems_ReportedTogether()
    {
        const string json = """{ "id": "j", "touchpoints": [], "stages": [ { "id": "s", "standardTime": "soon", "touchpoints": ["nope"] } ] }""";
        string[] problems = Problems(json).Select(p => p.Path).ToArray();
        Assert.Equal(["stages[0].standardTime", "stages[0].standardTime", "stages[0].touchpoints[0]", "stages"], problems);
    }

    [Fact]
    public void Load_TooDeep_ThrowsProblemNotCrash()
    {
        string json = "{\"id\":\"j\",\"description\":" + new string('[', 200) + new string(']', 200) + "}";
        JourneyProblem p = Problems(json)[0];
        Assert.Equal("JK0120", p.Code);
    }

    [Fact]
    public void Load_NullsEverywhere_ReportsProblemsNotNullReference()
    {
        const string json = """{ "id": null, "stages": [ null, { "id": null, "touchpoints": null, "next": [null] } ], "touchpoints": null, "personas": [ { "id": "p", "rule": { "all": [ null ] } } ], "momentsOfTruth": [ { "id": "m" } ], "kpis": [ null ] }""";
        IReadOnlyList<JourneyProblem> problems = Problems(json);
        Assert.Contains(problems, p => p.Path == "stages[0]");
        Assert.Contains(problems, p => p.Path == "personas[0].rule.all[0]");
        Assert.Contains(problems, p => p.Path == "kpis[0]");
    }
}
