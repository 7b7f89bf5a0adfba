using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FollowUp.CheckIns;
using FollowUp.Languages;
using FollowUp.Schedules;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FollowUp.Cli.Commands;

internal static class ScheduleCommands
{
    public static Command Build() => new("schedule", "Follow-up schedules: check-ins, send window, reminders, email templates.")
    {
        List(), Show(), Set(), Validate(), Preview(),
    };

    private static Command List()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var command = new Command("list", "List the schedules.\nExample: followup-admin schedule list") { json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var services = CliContext.Services(parsed);
            var schedules = await services.GetRequiredService<ScheduleStore>().ListAsync(cancellationToken);
            if (parsed.GetValue(json))
            {
                Console.WriteLine("[" + string.Join(",\n", schedules.Select(ScheduleFile.Write)) + "]");
                return 0;
            }
            Console.WriteLine($"{"NAME",-20} {"WINDOW",-11} {"QUIET",-12} {"REMINDERS",-12} CHECK-INS (* = PHQ-2)");
            foreach (var s in schedules)
                Console.WriteLine(FormattableString.Invariant(
                    $"{s.Name,-20} {s.WindowStart:HH\\:mm}-{s.WindowEnd:HH\\:mm} {(s.QuietDays.Count == 0 ? "-" : string.Join(",", s.QuietDays.Select(d => d.ToString()[..3]))),-12} {(s.ReminderCount == 0 ? "none" : $"{s.ReminderCount} every {s.ReminderSpacingDays}d"),-12} {string.Join(" ", s.Items.Select(Offset))}"));
            return 0;
        });
        return command;
    }

    private static Command Show()
    {
        var name = new Argument<string>("name") { Description = "The schedule's name" };
        var command = new Command("show", """
            Print a schedule as the file 'schedule set' reads (edit it and set it back).
            Example: followup-admin schedule show default > default.json
            """) { name };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var services = CliContext.Services(parsed);
            var schedule = await services.GetRequiredService<ScheduleStore>().FindAsync(parsed.GetValue(name)!, cancellationToken)
                ?? throw new UserError($"schedule '{parsed.GetValue(name)}' does not exist (see 'followup-admin schedule list')");
            Console.WriteLine(ScheduleFile.Write(schedule));
            return 0;
        });
        return command;
    }

    private static Command Set()
    {
        var file = FileOption();
        var command = new Command("set", """
            Create or replace a schedule from a file (refused, with every reason, if it is not valid). Planned check-ins keep
            their dates; template changes reach every email not yet sent.
            Example: followup-admin schedule set --file default.json
            """) { file };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var schedule = Read(parsed.GetValue(file)!);
            await using var services = CliContext.Services(parsed);
            long id;
            try
            {
                id = await services.GetRequiredService<ScheduleStore>().SaveAsync(schedule, $"cli:{Environment.UserName}", cancellationToken);
            }
            catch (ScheduleException e)
            {
                throw new UserError(e.Message);
            }
            Console.WriteLine(FormattableString.Invariant($"Saved schedule '{schedule.Name}' (id {id}): {schedule.Items.Count} check-ins, {string.Join(" ", schedule.Items.Select(Offset))}."));
            Warn(schedule, services);
            return 0;
        });
        return command;
    }

    private static Command Validate()
    {
        var file = FileOption();
        var command = new Command("validate", """
            Check a schedule file without saving it: rules, and the templates (with line and column).
            Example: followup-admin schedule validate --file default.json
            """) { file };
        command.SetAction(async parsed =>
        {
            var schedule = Read(parsed.GetValue(file)!);
            if (ScheduleStore.Problems(schedule) is { Count: > 0 } problems) throw new UserError(new ScheduleException(problems).Message);
            Console.WriteLine(FormattableString.Invariant($"Schedule '{schedule.Name}' is valid: {schedule.Items.Count} check-ins, {string.Join(" ", schedule.Items.Select(Offset))}."));
            await using var services = CliContext.Services(parsed);
            Warn(schedule, services);
            return 0;
        });
        return command;
    }

    private static Command Preview()
    {
        var course = new Option<long?>("--course") { Description = "The course's id (see 'course list'): its emails, when, and their text" };
        var scheduleName = new Option<string?>("--schedule") { Description = "A schedule's name: one sample check-in of it (instead of --course)" };
        var language = new Option<string?>("--language")
        {
            Description = "Render in this language (en, de, fr, es, it, nl, pt) instead of the patient's (or, with --schedule, the clinic's)",
        };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var command = new Command("preview", """
            What a course would receive: each email, when in the patient's own time, and its text as it renders now; or one
            sample check-in of a schedule, in a language, to check its templates.
            Example: followup-admin schedule preview --course 12
            Example: followup-admin schedule preview --schedule default --language de
            """) { course, scheduleName, language, json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var languageCode = parsed.GetValue(language) is { } given
                ? PatientLanguage.Parse(given) ?? throw new UserError(PatientLanguage.Problem("--language:", given))
                : null;
            await using var services = CliContext.Services(parsed);
            if (parsed.GetValue(course) is not { } courseId)
            {
                var name = parsed.GetValue(scheduleName) ?? throw new UserError("give --course ID (a course's emails) or --schedule NAME (a sample check-in)");
                var schedule = await services.GetRequiredService<ScheduleStore>().FindAsync(name, cancellationToken)
                    ?? throw new UserError($"schedule '{name}' does not exist (see 'followup-admin schedule list')");
                var clinic = services.GetRequiredService<IOptions<ClinicLanguageOptions>>().Value.Code;
                var sample = Templates.RenderSample(schedule, languageCode ?? clinic, clinic);
                if (parsed.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(new { schedule = schedule.Name, language = sample.Language, subject = sample.Subject, text = sample.Text, html = sample.Html }, SendCommands.JsonOptions));
                    return 0;
                }
                var fallback = sample.Language != (languageCode ?? clinic) ? $" (no {languageCode} version of its own templates: the clinic's language)" : "";
                Console.WriteLine($"A sample check-in of schedule '{schedule.Name}' in {sample.Language}{fallback}:");
                Console.WriteLine($"Subject: {sample.Subject}");
                Console.WriteLine();
                Console.WriteLine(sample.Text.TrimEnd());
                return 0;
            }
            CoursePreview preview;
            try
            {
                preview = await services.GetRequiredService<SendLog>().PreviewAsync(courseId, cancellationToken, languageCode);
            }
            catch (SendLogException e)
            {
                throw new UserError(e.Message);
            }
            catch (TemplateFailureException e)
            {
                throw new UserError($"course {courseId}: its schedule's template cannot be rendered: {e.Message} (fix it with schedule set; schedule validate checks the file)");
            }
            if (parsed.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(preview.Emails.Select(e => new
                {
                    id = e.Entry.Id, status = e.Entry.Status, local_time = e.LocalDueAt.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
                    time_zone = preview.TimeZone, subject = e.Subject, text = e.Text,
                }), SendCommands.JsonOptions));
                return 0;
            }
            Console.WriteLine($"Course {preview.CourseId} for {preview.Patient}, schedule '{preview.Schedule}', times in {preview.TimeZone}:");
            foreach (var e in preview.Emails)
                Console.WriteLine(FormattableString.Invariant($"  {e.Entry.Id,-7} {e.LocalDueAt:yyyy-MM-dd HH:mm}  {e.Entry.Status,-9} {e.Subject}"));
            foreach (var e in preview.Emails.Where(e => e.Entry.Status == "planned"))
            {
                Console.WriteLine();
                Console.WriteLine(FormattableString.Invariant($"--- {e.Entry.Id} at {e.LocalDueAt:yyyy-MM-dd HH:mm} ({preview.TimeZone}) ---"));
                Console.WriteLine($"Subject: {e.Subject}");
                Console.WriteLine();
                Console.WriteLine(e.Text.TrimEnd());
            }
            return 0;
        });
        return command;
    }

    /// <summary>What the schedule's own templates leave to a fallback language: said on stderr, not refused (the exit code stays 0).</summary>
    private static void Warn(Schedule schedule, IServiceProvider services)
    {
        foreach (var warning in Templates.FallbackWarnings(schedule, services.GetRequiredService<IOptions<ClinicLanguageOptions>>().Value.Code))
            Console.Error.WriteLine($"followup-admin: warning: {warning}");
    }

    private static Option<string> FileOption() => new("--file") { Description = "The schedule file (JSON; see docs/operations.md)", Required = true };

    private static Schedule Read(string path)
    {
        if (!File.Exists(path)) throw new UserError($"--file: '{path}' does not exist");
        try
        {
            return ScheduleFile.Parse(File.ReadAllText(path));
        }
        catch (ScheduleException e)
        {
            throw new UserError($"{path}: {e.Message}");
        }
    }

    private static string Offset(ScheduleItem item) =>
        (item.OffsetDays % 7 == 0 ? FormattableString.Invariant($"{item.OffsetDays / 7}w") : FormattableString.Invariant($"{item.OffsetDays}d")) + (item.AsksPhq2 ? "*" : "");
}
