using System.Globalization;
using System.Net;
using System.Text;
using FollowUp.Mail;
using MimeKit;

namespace FollowUp.Alerts;

/// <summary>An alert with what the therapist needs to see to act on it.</summary>
public sealed class AlertToSend
{
    public long Id { get; init; }
    public long CourseId { get; init; }
    public string Kind { get; init; } = "";
    public string Severity { get; init; } = "";
    public string Reason { get; init; } = "";
    public DateTime RaisedAt { get; init; }
    public string PatientName { get; init; } = "";
    public string PatientEmail { get; init; } = "";
    /// <summary>What the patient's own emails (the crisis contacts) are written in; null: the clinic's language.</summary>
    public string? PatientLanguage { get; init; }
    public string TherapistEmail { get; init; } = "";
    public string? TherapistName { get; init; }
    public DateOnly StartedOn { get; init; }
    public DateOnly EndedOn { get; init; }
    public int PainAtStart { get; init; }
    public int? PainAtEnd { get; init; }
}

/// <summary>
/// Builds the therapist's alert email: the reason in one line, then the trajectory at a glance, as an HTML table chart
/// (no images: shown by every common mail client, including those that block remote and inline images by default)
/// and as plain text. Pure.
/// </summary>
public static class AlertEmail
{
    /// <summary>The alert email; <paramref name="escalatedTo"/> turns it into the copy for the clinic lead.</summary>
    public static MimeMessage Build(AlertToSend alert, CourseTrajectory trajectory, ClinicOptions clinic, AlertOptions options,
        string replyAddress, DateTimeOffset now, MailboxAddress? escalatedTo = null, string? courseUrl = null)
    {
        var message = new MimeMessage { Date = now };
        message.From.Add(clinic.From);
        message.To.Add(escalatedTo ?? new MailboxAddress(alert.TherapistName ?? "", alert.TherapistEmail));
        message.ReplyTo.Add(MailboxAddress.Parse(replyAddress));
        var urgency = alert.Severity == AlertKinds.High ? "URGENT: " : "";
        var escalated = escalatedTo is null ? "" : "Not acknowledged: ";
        var who = options.MinimalPhi ? Reference(alert) : alert.PatientName;
        message.Subject = $"{escalated}{urgency}FollowUp alert for {who}: {Headline(alert.Kind)}";
        // The severity is part of it: an alert told again because it became more severe is a new email, and may go out in
        // the same second as the first.
        message.MessageId = $"alert.{alert.Id}.{alert.Severity}.{(escalatedTo is null ? "t" : "l")}{now.ToUnixTimeSeconds()}@{clinic.ReplyDomain}";
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("X-Auto-Response-Suppress", "All");
        var intro = escalatedTo is null ? null
            : $"This alert to {alert.TherapistName ?? alert.TherapistEmail} was not acknowledged within {options.EscalateAfterWorkingDays} working days.";
        var body = new BodyBuilder
        {
            TextBody = (options.MinimalPhi ? MinimalText(alert, intro) : Text(alert, trajectory, intro)) + (courseUrl is null ? "" : $"\nThe course on the web (trajectory, replies, ACK): {courseUrl}\n"),
            HtmlBody = (options.MinimalPhi ? MinimalHtml(alert, intro) : Html(alert, trajectory, intro))
                .Replace("</body></html>", courseUrl is null ? "</body></html>" : $"""<p><a href="{E(courseUrl)}">Open the course</a> (trajectory, replies, ACK).</p></body></html>""", StringComparison.Ordinal),
        };
        message.Body = body.ToMessageBody();
        return message;
    }

    internal static string Reference(AlertToSend alert) => string.Create(CultureInfo.InvariantCulture, $"A-{alert.Id}");

    public static string Headline(string kind) => kind switch
    {
        AlertKinds.LateWorsening => "pain back up after the massage course",
        AlertKinds.PainRise => "pain above where it started",
        AlertKinds.LowMood => "PHQ-2 suggests low mood",
        AlertKinds.Crisis => "reply mentions self-harm",
        AlertKinds.Disengaged => "patient stopped answering",
        AlertKinds.MoodWatch => "mood to watch",
        Unreachable.Kind => "follow-up emails cannot reach the patient",
        NotSent.Kind => "a check-in could not be sent",
        _ => kind.Replace('_', ' '),
    };

    internal static string Text(AlertToSend alert, CourseTrajectory trajectory, string? intro = null)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{alert.Reason}.");
        text.AppendLine();
        if (intro is not null) text.AppendLine(intro).AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Patient: {alert.PatientName} <{alert.PatientEmail}>, massage course {alert.StartedOn:yyyy-MM-dd} to {alert.EndedOn:yyyy-MM-dd}.");
        text.AppendLine();
        text.Append(TrajectoryText.Render(trajectory));
        text.AppendLine();
        text.AppendLine("Late worsening means: pain improved during the course by at least 2 points and 30%, and a");
        text.AppendLine("follow-up is now at least 2 points above the end-of-course score (Farrar 2001; Ostelo 2008).");
        text.AppendLine("In a randomised trial of massage (Hasson et al. 2004) this pattern came with low mood.");
        text.AppendLine("PHQ-2 of 3 or more suggests depression (Kroenke 2003); the 0-10 mood item is a trend only, not a diagnosis.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Reply ACK to this email once you have seen it (or: followup-admin alert ack {alert.Id}).");
        return text.ToString();
    }

    private static string MinimalText(AlertToSend alert, string? intro) =>
        $"""
        Alert {Reference(alert)}: {Headline(alert.Kind)} ({alert.Severity} priority).

        {(intro is null ? "" : intro + "\n\n")}This clinic sends alerts without patient details. See them with: followup-admin alert show {alert.Id}
        Reply ACK to this email once you have seen it (or: followup-admin alert ack {alert.Id}).
        """;

    private static string MinimalHtml(AlertToSend alert, string? intro) =>
        $"""
        <html><body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222">
        <p style="font-size:16px"><b>Alert {Reference(alert)}: {E(Headline(alert.Kind))}</b> ({E(alert.Severity)} priority)</p>
        {(intro is null ? "" : $"<p>{E(intro)}</p>")}
        <p>This clinic sends alerts without patient details. See them with: <code>followup-admin alert show {alert.Id}</code></p>
        <p>Reply <b>ACK</b> to this email once you have seen it.</p>
        </body></html>
        """;

    // Chart cells: 11 rows (pain 10 down to 0) by one column per time point. Colours as bgcolor attributes as well as
    // styles, because Outlook's Word engine ignores some CSS but honours bgcolor.
    private const string Course = "#718096", Bar = "#2b6cb0", BarAlert = "#c53030", Band = "#fde2e2", Plain = "#ffffff", Grid = "#e2e8f0";

    internal static string Html(AlertToSend alert, CourseTrajectory trajectory, string? intro = null)
    {
        var zone = trajectory.AlertZoneFrom;
        var points = trajectory.Points;
        var html = new StringBuilder();
        html.Append("""<html><body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222">""");
        html.Append(CultureInfo.InvariantCulture, $"""<p style="font-size:17px;margin:0 0 8px 0"><b>{E(alert.Reason)}.</b></p>""");
        if (intro is not null) html.Append(CultureInfo.InvariantCulture, $"<p>{E(intro)}</p>");
        html.Append(CultureInfo.InvariantCulture, $"""<p style="margin:0 0 12px 0">{E(alert.PatientName)} &lt;{E(alert.PatientEmail)}&gt;, massage course {alert.StartedOn:yyyy-MM-dd} to {alert.EndedOn:yyyy-MM-dd}.</p>""");
        html.Append("""<table role="presentation" cellpadding="0" cellspacing="2" border="0" style="border-collapse:separate;font-size:12px">""");
        for (var level = 10; level >= 0; level--)
        {
            var inZone = level >= zone;
            html.Append(CultureInfo.InvariantCulture, $"""<tr><td width="60" align="right" style="padding-right:6px;color:#555">{(level == 10 ? "10 worst" : level == 0 ? "0 none" : level.ToString(CultureInfo.InvariantCulture))}</td>""");
            foreach (var (point, index) in points.Select((p, i) => (p, i)))
            {
                var filled = point.Pain is { } p && p >= level;
                // Start and end are the reference the follow-ups are judged against, so they are drawn apart in grey.
                var colour = filled ? (index < 2 ? Course : point.Pain >= zone ? BarAlert : Bar) : inZone ? Band : level == 0 ? Grid : Plain;
                var label = filled && level == point.Pain ? $"""<b style="color:#fff">{point.Pain}</b>""" : "&nbsp;";
                html.Append(CultureInfo.InvariantCulture, $"""<td width="56" height="16" align="center" bgcolor="{colour}" style="background-color:{colour};width:56px;height:16px">{label}</td>""");
            }
            html.Append("</tr>");
        }
        Row(html, "", points.Select(p => $"<b>{E(p.Label.Replace("Course ", "", StringComparison.Ordinal))}</b><br>{p.On:dd MMM}").ToList());
        Row(html, "pain", points.Select(p => p.Pain?.ToString(CultureInfo.InvariantCulture) ?? "no answer").ToList());
        if (points.Any(p => p.Mood is not null)) Row(html, "mood", points.Select(p => E(p.Mood ?? "")).ToList());
        if (points.Any(p => p.Phq2 is not null)) Row(html, "PHQ-2", points.Select(p => E(p.Phq2?.Replace("PHQ-2 ", "", StringComparison.Ordinal) ?? "")).ToList());
        html.Append("</table>");
        if (trajectory.MoodTrend is { } trend) html.Append(CultureInfo.InvariantCulture, $"<p style=\"margin:8px 0 0 0\">{E(trend)}</p>");
        html.Append(CultureInfo.InvariantCulture, $"""<p style="font-size:12px;color:#555">{(zone <= 10 ? $"<span style=\"background-color:{Band}\">&nbsp;&nbsp;&nbsp;&nbsp;</span> alert zone: pain {zone} or more" : "no pain alert zone: from this start the 0-10 scale cannot show a rise beyond its noise")} &nbsp; <span style="background-color:{Course}">&nbsp;&nbsp;&nbsp;&nbsp;</span> course start and end &nbsp; <span style="background-color:{Bar}">&nbsp;&nbsp;&nbsp;&nbsp;</span> follow-up &nbsp; <span style="background-color:{BarAlert}">&nbsp;&nbsp;&nbsp;&nbsp;</span> follow-up in the alert zone</p>""");
        html.Append("""<p style="font-size:12px;color:#555">Late worsening: improved during the course by at least 2 points and 30%, then at least 2 points above the end-of-course score (Farrar 2001; Ostelo 2008), the pattern seen after massage by Hasson et al. 2004. PHQ-2 of 3 or more suggests depression (Kroenke 2003); the 0-10 mood item is a trend only, not a diagnosis.</p>""");
        html.Append(CultureInfo.InvariantCulture, $"""<p>Reply <b>ACK</b> to this email once you have seen it (or: <code>followup-admin alert ack {alert.Id}</code>).</p>""");
        html.Append("</body></html>");
        return html.ToString();
    }

    private static void Row(StringBuilder html, string label, IReadOnlyList<string> cells)
    {
        html.Append(CultureInfo.InvariantCulture, $"""<tr><td align="right" style="padding-right:6px;color:#555">{label}</td>""");
        foreach (var cell in cells) html.Append(CultureInfo.InvariantCulture, $"""<td align="center" style="padding:2px">{cell}</td>""");
        html.Append("</tr>");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
