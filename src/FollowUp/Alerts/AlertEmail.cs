using System.Globalization;
using System.Text;
using FollowUp.Mail;
using MimeKit;

namespace FollowUp.Alerts;

/// <summary>An alert with what the therapist needs to see to act on it.</summary>
internal sealed class AlertToSend
{
    public long Id { get; init; }
    public long CourseId { get; init; }
    public string Kind { get; init; } = "";
    public string Severity { get; init; } = "";
    public string Reason { get; init; } = "";
    public string PatientName { get; init; } = "";
    public string PatientEmail { get; init; } = "";
    public string TherapistEmail { get; init; } = "";
    public string? TherapistName { get; init; }
    public DateOnly StartedOn { get; init; }
    public DateOnly EndedOn { get; init; }
    public int PainAtStart { get; init; }
    public int? PainAtEnd { get; init; }
}

/// <summary>One point of the trajectory shown in an alert.</summary>
internal sealed record TrajectoryPoint(string Label, DateOnly On, int? Pain, string? Mood);

/// <summary>Builds the therapist's alert email: the reason in one line, then the pain trajectory at a glance. Pure.</summary>
internal static class AlertEmail
{
    public static MimeMessage Build(AlertToSend alert, IReadOnlyList<TrajectoryPoint> followUps, ClinicOptions clinic, DateTimeOffset now)
    {
        var message = new MimeMessage { Date = now };
        message.From.Add(clinic.From);
        message.To.Add(new MailboxAddress(alert.TherapistName ?? "", alert.TherapistEmail));
        var urgency = alert.Severity == "high" ? "URGENT: " : "";
        message.Subject = $"{urgency}FollowUp alert for {alert.PatientName}: {Headline(alert.Kind)}";
        message.MessageId = $"alert.{alert.Id}.{now.ToUnixTimeSeconds()}@{clinic.ReplyDomain}";
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("X-Auto-Response-Suppress", "All");
        message.Body = new TextPart("plain") { Text = Text(alert, followUps) };
        return message;
    }

    internal static string Headline(string kind) => kind switch
    {
        LateWorseningRule.Kind => "pain back up after the massage course",
        Unreachable.Kind => "follow-up emails cannot reach the patient",
        _ => kind.Replace('_', ' '),
    };

    internal static string Text(AlertToSend alert, IReadOnlyList<TrajectoryPoint> followUps)
    {
        var points = new List<TrajectoryPoint>
        {
            new("Course start", alert.StartedOn, alert.PainAtStart, null),
            new("Course end", alert.EndedOn, alert.PainAtEnd, null),
        };
        points.AddRange(followUps);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{alert.Reason}.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Patient: {alert.PatientName} <{alert.PatientEmail}>, massage course {alert.StartedOn:yyyy-MM-dd} to {alert.EndedOn:yyyy-MM-dd}.");
        text.AppendLine();
        text.AppendLine("Pain over time (0 = no pain, 10 = worst imaginable):");
        foreach (var point in points)
        {
            var pain = point.Pain is { } p ? $"{p,2}  {new string('#', p),-10}" : " -  (no answer)  ";
            var mood = point.Mood is null ? "" : $"  mood {point.Mood}";
            text.AppendLine(FormattableString.Invariant($"  {point.Label,-13} {point.On:yyyy-MM-dd}  {pain}{mood}").TrimEnd());
        }
        text.AppendLine();
        text.AppendLine("Late worsening means: pain improved during the course by at least 2 points and 30%, and a");
        text.AppendLine("follow-up is now at least 2 points above the end-of-course score (Farrar 2001; Ostelo 2008).");
        text.AppendLine("In a randomised trial of massage (Hasson et al. 2004) this pattern came with low mood.");
        return text.ToString();
    }
}
