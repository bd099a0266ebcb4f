using System.CommandLine;
using System.Globalization;
using JourneyKit.Model;
using JourneyKit.Model.Json;

namespace JourneyKit.Cli.Commands;

/// <summary><c>journeykit validate JOURNEY.json</c>: checks a journey definition and lists every problem.</summary>
internal static class ValidateCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("JOURNEY") { Description = "The journey definition (.json)." };
        Option<OutputFormat> format = CliOptions.Format();
        var command = new Command("validate", "Check a journey definition. Exit 0 when valid; exit 1 with every problem on stderr, one per line as 'path: message'; exit 2 when the file cannot be read.")
        {
            file,
            format,
        };
        CliHelp.AddExamples(
            command,
            "journeykit validate samples/data/retail-bank-account-opening.journey.json",
            "journeykit validate my.journey.json --format json");
        command.SetAction(parse =>
        {
            string path = parse.GetRequiredValue(file);
            OutputFormat output = parse.GetValue(format);
            Journey journey;
            IReadOnlyList<JourneyProblem> problems;
            try
            {
                journey = JourneyJson.LoadFile(path);
                problems = [];
            }
            catch (JourneyValidationException e) when (output == OutputFormat.Json)
            {
                journey = null!;
                problems = e.Problems;
            }

            if (output == OutputFormat.Json)
            {
                CliOutput.WriteJson(context.Stdout, json =>
                {
                    json.WriteStartObject();
                    json.WriteBoolean("valid", problems.Count == 0);
                    if (problems.Count == 0)
                    {
                        json.WriteString("journey_id", journey.Id);
                        json.WriteNumber("version", journey.Version);
                    }

                    json.WriteStartArray("problems");
                    foreach (JourneyProblem problem in problems)
                    {
                        json.WriteStartObject();
                        json.WriteString("code", problem.Code);
                        json.WriteString("path", problem.Path);
                        json.WriteString("message", problem.Message);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                });
                return problems.Count == 0 ? CliExitCode.Ok : CliExitCode.Problems;
            }

            context.Stdout.WriteLine(string.Format(
                CultureInfo.InvariantCulture,
                "{0} v{1}: valid ({2} stages, {3} touchpoints, {4} personas, {5} moments of truth)",
                journey.Id,
                journey.Version,
                journey.Stages.Count,
                journey.Touchpoints.Count,
                journey.Personas.Count,
                journey.MomentsOfTruth.Count));
            return CliExitCode.Ok;
        });
        return command;
    }
}
