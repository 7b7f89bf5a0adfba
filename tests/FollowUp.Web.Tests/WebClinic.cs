using System.Globalization;
using Dapper;
using FollowUp.Tests.Support;
using FollowUp.Users;
using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Tests.Web;

/// <summary>
/// A clinic with two therapists (Amy, Ben), each with one patient and one open alert, a lead and an admin, all of whom
/// may sign in; and its web face.
/// </summary>
internal sealed class WebClinic : IAsyncDisposable
{
    public required Clinic Clinic { get; init; }
    public required WebFaceHost Web { get; init; }
    public long AmyCourse { get; init; }
    public long BenCourse { get; init; }
    public long AmyAlert { get; init; }
    public long BenAlert { get; init; }
    public string Amy => Clinic.Address("amy");
    public string Ben => Clinic.Address("ben");
    public string Lead => Clinic.Address("lead");
    public string Admin => Clinic.Address("admin");
    /// <summary>Ben's patient's name: it must never appear on a page Amy sees.</summary>
    public const string BensPatient = "Bartholomew";
    public const string AmysPatient = "Dana";

    public static async Task<WebClinic> OpenAsync(IDictionary<string, string?>? settings = null, string environment = "Development")
    {
        var clinic = await Clinic.OpenAsync(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero), settings);
        var amyCourse = await clinic.EnrolAsync(AmysPatient, therapist: "amy");
        var benCourse = await clinic.EnrolAsync(BensPatient, therapist: "ben");
        var users = clinic.Services.GetRequiredService<UserDirectory>();
        await users.AddAsync(clinic.Address("amy"), Roles.Therapist, "Amy", "test", default);
        await users.AddAsync(clinic.Address("ben"), Roles.Therapist, "Ben", "test", default);
        await users.AddAsync(clinic.Address("lead"), Roles.Lead, "Lea", "test", default);
        await users.AddAsync(clinic.Address("admin"), Roles.Admin, "Ada", "test", default);
        var web = await WebFaceHost.StartAsync(clinic, settings, environment);
        return new WebClinic
        {
            Clinic = clinic, Web = web, AmyCourse = amyCourse, BenCourse = benCourse,
            AmyAlert = await RaiseAsync(clinic, amyCourse, "Pain 7 at week 2, up from 3 at course end; baseline 8"),
            BenAlert = await RaiseAsync(clinic, benCourse, "Pain 9 at week 2, up from 2 at course end; baseline 9"),
        };
    }

    /// <summary>An open alert as the assessment leaves it (its rules are tested elsewhere; here only who sees it matters).</summary>
    public static async Task<long> RaiseAsync(Clinic clinic, long courseId, string reason)
    {
        await using var connection = await clinic.Data.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("""
            INSERT INTO alerts (course_id, kind, severity, reason, raised_at, notify_status, notified_at)
            VALUES (@courseId, 'late_worsening', 'high', @reason, @at, 'sent', @at) RETURNING id
            """, new { courseId, reason, at = clinic.Clock.GetUtcNow().UtcDateTime });
    }

    public async Task<string> AlertStatusAsync(long alertId)
    {
        await using var connection = await Clinic.Data.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string>("SELECT status FROM alerts WHERE id = @alertId", new { alertId }) ?? "";
    }

    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await Web.DisposeAsync();
        await Clinic.DisposeAsync();
    }
}
