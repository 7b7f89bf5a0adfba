using FollowUp.CheckIns;
using FollowUp.Mail;
using FollowUp.Schedules;

namespace FollowUp.Tests.Schedules;

public class ScheduleFileTests
{
    [Fact]
    public void A_schedule_file_gives_check_ins_in_weeks_or_days_with_window_quiet_days_and_reminders()
    {
        var schedule = ScheduleFile.Parse("""
            {
              // comments are allowed
              "name": "short",
              "window": { "start": "10:00", "end": "16:30" },
              "quietDays": ["Saturday", "sunday"],
              "reminders": { "count": 2, "spacingDays": 2 },
              "checkIns": [ { "days": 3 }, { "weeks": 2, "phq2": true, "mood": false } ]
            }
            """);

        Assert.Equal("short", schedule.Name);
        Assert.Equal((new TimeOnly(10, 0), new TimeOnly(16, 30)), (schedule.WindowStart, schedule.WindowEnd));
        Assert.Equal([DayOfWeek.Saturday, DayOfWeek.Sunday], schedule.QuietDays);
        Assert.Equal((2, 2), (schedule.ReminderCount, schedule.ReminderSpacingDays));
        Assert.Equal([new ScheduleItem(3, false, true), new ScheduleItem(14, true, false)], schedule.Items);
        Assert.Empty(schedule.Problems());
    }

    [Fact]
    public void A_schedule_written_out_reads_back_the_same()
    {
        var schedule = Schedule.Default with { QuietDays = [DayOfWeek.Sunday], ReminderCount = 1, TextTemplate = "Hi {{ patient_name }}\n{{ questions }}" };

        var read = ScheduleFile.Parse(ScheduleFile.Write(schedule));

        Assert.Equal(schedule.Items, read.Items);
        Assert.Equal(schedule.QuietDays, read.QuietDays);
        Assert.Equal(schedule.TextTemplate, read.TextTemplate);
        Assert.Equal(schedule.ReminderCount, read.ReminderCount);
    }

    [Fact]
    public void A_file_that_is_not_json_is_refused_with_line_and_column()
    {
        var error = Assert.Throws<ScheduleException>(() => ScheduleFile.Parse("{\n  \"name\": \"x\",\n  \"checkIns\": [ { \"weeks\": 1 } \n}"));

        Assert.StartsWith("line 4, column", Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_keys_bad_days_and_check_ins_without_an_offset_are_refused()
    {
        Assert.Throws<ScheduleException>(() => ScheduleFile.Parse("""{ "name": "x", "windows": {} }"""));
        var error = Assert.Throws<ScheduleException>(() => ScheduleFile.Parse("""{ "name": "x", "quietDays": ["Caturday"], "checkIns": [ {} ] }"""));

        Assert.Contains(error.Problems, p => p.StartsWith("quiet day 'Caturday'", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("check-in 1: give either", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_email_carries_list_unsubscribe_and_one_click_when_a_url_is_configured()
    {
        var clinic = new ClinicOptions { Name = "Clinic", FromAddress = "checkins@clinic.test", ReplyAddress = "replies@clinic.test" };
        var tokens = new ReplyToken(new byte[32]);
        var checkIn = new CheckInToSend { Id = 4, CheckInId = 4, Sequence = 1, OffsetDays = 7, PatientName = "Dana", PatientEmail = "dana@example.org", TherapistName = "Sam" };

        var plain = CheckInEmail.Build(checkIn, Schedule.Default, clinic, tokens, DateTimeOffset.UnixEpoch, null);
        var oneClick = CheckInEmail.Build(checkIn, Schedule.Default, clinic, tokens, DateTimeOffset.UnixEpoch, "https://clinic.test");

        var token = tokens.Create('c', 4);
        Assert.Equal($"<mailto:replies+{token}@clinic.test?subject=STOP>", plain.Headers["List-Unsubscribe"]);
        Assert.Null(plain.Headers["List-Unsubscribe-Post"]);
        Assert.Equal($"<mailto:replies+{token}@clinic.test?subject=STOP>, <https://clinic.test/unsubscribe?token={token}>", oneClick.Headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", oneClick.Headers["List-Unsubscribe-Post"]);
        Assert.Equal("auto-generated", oneClick.Headers["Auto-Submitted"]);
        Assert.Equal("All", oneClick.Headers["X-Auto-Response-Suppress"]);
    }
}
