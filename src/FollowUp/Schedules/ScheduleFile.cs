using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FollowUp.Schedules;

/// <summary>
/// The file an admin writes to create or change a schedule (JSON; the format is in docs/operations.md, "Schedules"). Reading it
/// reports the first syntax error with line and column; the rules are then checked by <see cref="Schedule.Problems"/>.
/// </summary>
public static class ScheduleFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The schedule in the file, or the reasons it cannot be read (syntax, unknown keys, bad values).</summary>
    public static Schedule Parse(string json)
    {
        ScheduleDraft file;
        try
        {
            file = JsonSerializer.Deserialize<ScheduleDraft>(json, Json) ?? throw new ScheduleException(["the file is empty"]);
        }
        catch (JsonException e)
        {
            var at = e.LineNumber is { } line ? string.Create(CultureInfo.InvariantCulture, $"line {line + 1}, column {e.BytePositionInLine + 1}: ") : "";
            throw new ScheduleException([$"{at}{e.Message.Split(" Path:")[0]}"]);
        }
        return file.ToSchedule();
    }

    /// <summary>The schedule as a file an admin can edit and give back to <c>schedule set</c>.</summary>
    public static string Write(Schedule schedule) => JsonSerializer.Serialize(ScheduleDraft.Of(schedule), Json);
}
