namespace FollowUp.Tests.Support;

/// <summary>
/// The real servers the tests use, started by scripts/test.sh (PostgreSQL 15, Postfix, Dovecot on loopback).
/// A test that needs them fails with this message rather than passing vacuously when they are missing.
/// </summary>
public static class TestServers
{
    public static string PostgresAdmin => Required("FOLLOWUP_TEST_PG");
    public static int SmtpPort => int.Parse(Required("FOLLOWUP_TEST_SMTP_PORT"), System.Globalization.CultureInfo.InvariantCulture);
    public static int ImapPort => int.Parse(Required("FOLLOWUP_TEST_IMAP_PORT"), System.Globalization.CultureInfo.InvariantCulture);
    public static string MailPassword => Required("FOLLOWUP_TEST_MAIL_PASSWORD");
    public static string Scripts => Required("FOLLOWUP_TEST_SCRIPTS");

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run the tests with 'bash scripts/test.sh', which starts the real servers.");

    /// <summary>A fresh domain for one test, so its mailboxes hold only its own mail.</summary>
    public static string UniqueDomain(string prefix = "t") => $"{prefix}{Guid.NewGuid():N}"[..14] + ".test";
}
