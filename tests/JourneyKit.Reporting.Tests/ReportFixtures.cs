using JourneyKit.Analytics;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Model.Json;
using JourneyKit.Scoring;
using JourneyKit.Synthetic;

namespace JourneyKit.Reporting.Tests;

/// <summary>Journeys and reports the report tests render: the bundled samples, a 30-stage journey and a long-name one.</summary>
internal static class ReportFixtures
{
    public static readonly DateTimeOffset SampleAsOf = new(2026, 1, 20, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The report of a bundled sample (journey and events under samples/data), as of an instant or the latest event.</summary>
    public static string Sample(string name, DateTimeOffset? asOf = null)
    {
        CompiledJourney journey = JourneyJson.LoadFile(TestPaths.Sample(name + ".journey.json")).Compile();
        EventBatch batch = EventFile.Read(TestPaths.Sample(name + ".events.csv")).Batch;
        var analyzer = new JourneyAnalyzer(journey);
        return Html(journey, asOf is { } t ? analyzer.Analyze(batch.Until(t), t) : analyzer.Analyze(batch));
    }

    public static string Html(CompiledJourney journey, JourneyAnalysis analysis)
    {
        var writer = new StringWriter();
        JourneyReport.WriteHtml(writer, journey, analysis);
        return writer.ToString();
    }

    /// <summary>Writes a report to a temporary file and returns its path.</summary>
    public static string Save(string html, string name)
    {
        string path = Path.Combine(TestTemp.Root, $"jk-report-{name}-{Guid.NewGuid():N}.html");
        File.WriteAllText(path, html);
        return path;
    }

    /// <summary>
    /// A journey of <paramref name="stages"/> stages (the last the goal, one failure stage after the first third), each
    /// stage allowing the next, the one after it and a step back; names padded to <paramref name="nameLength"/>
    /// characters, touchpoint ids of <paramref name="idLength"/> characters without spaces, three personas, two moments
    /// of truth and two KPIs.
    /// </summary>
    public static Journey Designed(int stages, int nameLength, int idLength)
    {
        string Pad(string text, int length, char fill) => text.Length >= length ? text : text + Filler(length - text.Length, fill);
        string Filler(int length, char fill)
        {
            const string words = " and the customer confirms the details they gave in the previous step";
            string f = fill == ' ' ? words : ".verification.document.upload.retry.channel.service.notification";
            var s = new System.Text.StringBuilder();
            while (s.Length < length)
            {
                s.Append(f);
            }

            return s.ToString(0, length);
        }

        int failure = Math.Max(1, stages / 3);
        var b = new JourneyBuilder("designed").Name(Pad($"A journey of {stages} stages", nameLength, ' ')).Goal("Reach the last stage");
        var channels = new Channel[3];
        for (int c = 0; c < channels.Length; c++)
        {
            channels[c] = new Channel(idLength > 30 ? $"partner-contact-centre-{c}-outsourced-overflow-north" : $"partner-centre-{c}");
            b.Channel(channels[c]);
        }

        var tp = new string[stages, 2];
        for (int s = 0; s < stages; s++)
        {
            for (int k = 0; k < 2; k++)
            {
                tp[s, k] = Pad($"s{s:00}.t{k}", idLength, '.');
                b.Touchpoint(tp[s, k], k == 0 ? Channel.Web : channels[s % 3], name: Pad($"Touchpoint {k} of stage {s}", nameLength, ' '));
            }
        }

        int goal = stages - 1;
        var main = Enumerable.Range(0, stages).Where(s => s != failure).ToArray();
        for (int s = 0; s < stages; s++)
        {
            int index = s;
            string Id(int x) => "stage" + x.ToString("00", System.Globalization.CultureInfo.InvariantCulture);
            b.Stage(Id(s), st =>
            {
                st.Name(Pad($"Stage {index}: review", nameLength, ' ')).Touchpoints(tp[index, 0], tp[index, 1]);
                if (index == goal)
                {
                    st.Goal();
                }
                else if (index == failure)
                {
                    st.Failure();
                }
                else
                {
                    int pos = Array.IndexOf(main, index);
                    var next = new List<string> { Id(main[pos + 1]) };
                    if (pos + 2 < main.Length)
                    {
                        next.Add(Id(main[pos + 2]));
                    }

                    if (pos > 0)
                    {
                        next.Add(Id(main[pos - 1]));
                    }

                    if (index < failure)
                    {
                        next.Add(Id(failure));
                    }

                    st.StandardTime(TimeSpan.FromHours(12 + (index % 5 * 6))).Next([.. next]);
                }
            });
        }

        for (int p = 0; p < 3; p++)
        {
            b.Persona(new Persona { Id = Pad("persona-" + p, Math.Min(40, idLength), '-'), Name = Pad($"Persona {p}", nameLength, ' ') });
        }

        b.MomentOfTruth(Pad("mot-negative", Math.Min(40, idLength), '-'), $"{tp[0, 0]} .* {tp[0, 1]} within 2d", MomentOfTruthOutcome.Negative, 2, Pad("Stuck in the first stage, then called", nameLength, ' '));
        b.MomentOfTruth(Pad("mot-positive", Math.Min(40, idLength), '-'), tp[goal, 0], MomentOfTruthOutcome.Positive, 1, Pad("Reached the goal", nameLength, ' '));
        b.Kpi(Pad("kpi-conversion", Math.Min(40, idLength), '-'), KpiKind.Conversion, 0.5, Pad("Conversion", nameLength, ' '), TimeSpan.FromDays(60));
        b.Kpi(Pad("kpi-time", Math.Min(40, idLength), '-'), KpiKind.TimeToComplete, 240, Pad("Time to complete", nameLength, ' '));
        return b.Build();
    }

    /// <summary>The report of a designed journey over synthetic events.</summary>
    public static string DesignedReport(int stages, int nameLength, int idLength, int customers)
    {
        Journey definition = Designed(stages, nameLength, idLength);
        CompiledJourney journey = definition.Compile();
        EventBatch batch = new SyntheticEventGenerator(definition, new SyntheticEventOptions { Customers = customers, Seed = 19 }).GenerateBatch();
        return Html(journey, new JourneyAnalyzer(journey).Analyze(batch));
    }
}
