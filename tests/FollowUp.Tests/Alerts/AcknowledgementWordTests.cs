using FollowUp.Alerts;

namespace FollowUp.Tests.Alerts;

/// <summary>What a therapist writes back to an alert email, and whether it stops the escalation.</summary>
public class AcknowledgementWordTests
{
    [Theory]
    [InlineData("ACK")]
    [InlineData("ack.")]
    [InlineData("Acknowledged!")]
    [InlineData("ACK - will call her today")]
    [InlineData("Acknowledged, calling her this afternoon.")]
    [InlineData("Thanks for this.\\nACK\\nSam")]
    [InlineData("  **ACK**  ")]
    public void An_explicit_acknowledgement_acknowledges(string text) => Assert.True(Acknowledgement.SaysAck(text.Replace("\\n", "\n", StringComparison.Ordinal)));

    [Theory]
    [InlineData("I cannot acknowledge this today")]
    [InlineData("I can't ack this, I am off sick. Please ask Kim.")]
    [InlineData("Not ACK: I do not know this patient")]
    [InlineData("no ack")]
    [InlineData("ACK?")]
    [InlineData("Ack I cannot take this one")]
    [InlineData("acknowledgement pending")]
    [InlineData("Will acknowledge once I have called her")]
    public void A_sentence_that_only_contains_the_word_does_not_acknowledge(string text) => Assert.False(Acknowledgement.SaysAck(text));

    [Theory]
    [InlineData("en", "OK")]
    [InlineData("en", "Seen - calling him now")]
    [InlineData("de", "Erledigt")]
    [InlineData("de", "Gesehen, ich rufe sie heute an.")]
    [InlineData("fr", "Vu")]
    [InlineData("fr", "Bien reçu - je l'appelle cet après-midi")]
    [InlineData("es", "Visto")]
    [InlineData("es", "Recibido, la llamo hoy.")]
    [InlineData("it", "Preso in carico.")]
    [InlineData("it", "Visto: la chiamo oggi")]
    [InlineData("nl", "Gezien")]
    [InlineData("nl", "Gelezen, ik bel haar vandaag.")]
    [InlineData("pt", "Ciente")]
    [InlineData("pt", "Visto - ligo-lhe hoje")]
    public void The_acknowledgement_word_of_each_supported_language_alone_or_before_a_dash_comma_or_colon_acknowledges(string language, string text)
    {
        Assert.NotNull(FollowUp.Languages.Lexicon.Find(language));
        Assert.True(Acknowledgement.SaysAck($"{text}\n\nOn Monday the clinic wrote:"));
    }

    [Theory]
    [InlineData("en", "OK, but I cannot take this one")]
    [InlineData("en", "Seen, not my patient")]
    [InlineData("de", "Nicht erledigt, ich bin krank")]
    [InlineData("de", "Gesehen, kann aber heute nicht")]
    [InlineData("de", "Ich habe es gesehen")]
    [InlineData("fr", "Pas vu")]
    [InlineData("fr", "Vu, mais je ne peux pas aujourd'hui")]
    [InlineData("es", "No visto todavía")]
    [InlineData("es", "Visto, pero no puedo hoy")]
    [InlineData("it", "Non visto")]
    [InlineData("it", "Visto, ma non posso oggi")]
    [InlineData("nl", "Niet gezien")]
    [InlineData("nl", "Gezien, maar ik kan niet")]
    [InlineData("pt", "Não visto")]
    [InlineData("pt", "Visto, mas não posso hoje")]
    public void A_negated_or_merely_containing_sentence_in_each_supported_language_does_not_acknowledge(string language, string text)
    {
        Assert.NotNull(FollowUp.Languages.Lexicon.Find(language));
        Assert.False(Acknowledgement.SaysAck(text));
    }
}

/// <summary>The same on the real servers: a crisis alert's escalation is not stopped by a therapist saying they cannot take it.</summary>
public class AcknowledgementReplyTests
{
    [Fact]
    public async Task A_therapist_writing_I_cannot_acknowledge_this_today_leaves_the_alert_open()
    {
        await using var clinic = await FollowUp.Tests.Support.Clinic.OpenAsync(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero));
        var courseId = await clinic.EnrolAsync("Dana", painAtStart: 8, painAtEnd: 3);
        await AlertLifecycleTests.AnswerAsync(clinic, "dana", "Pain 3, mood 8", "Pain 7, mood 3");
        Assert.Equal(1, await clinic.Alerts.NotifyAsync(default));
        var therapist = new FollowUp.Tests.Support.Mailbox(clinic.Address("therapist"));
        var alert = (await therapist.WaitForAsync(1)).Single();
        var sam = new FollowUp.Demo.SimulatedPatient(therapist.Address, clinic.Imap, FollowUp.Tests.Support.Clinic.Smtp);

        await sam.ReplyAsync(alert, "I cannot acknowledge this today, I am off sick. Please ask Kim.", clinic.Clock.GetUtcNow(), default);
        await new FollowUp.Tests.Support.Mailbox(clinic.RepliesAddress).WaitForAsync(1);
        await clinic.Inbox.ReadAsync(default);

        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal("open", await Dapper.SqlMapper.ExecuteScalarAsync<string>(db, "SELECT status FROM alerts WHERE course_id = @courseId", new { courseId }));
        Assert.Contains("without ACK; nothing changed", await Dapper.SqlMapper.ExecuteScalarAsync<string>(db, "SELECT detail FROM inbound_messages ORDER BY id DESC LIMIT 1"), StringComparison.Ordinal);
    }
}
