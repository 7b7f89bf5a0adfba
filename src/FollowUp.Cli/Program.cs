using System.CommandLine;
using FollowUp.Cli;
using FollowUp.Cli.Commands;

// What the tool prints includes text from inbound mail and imports: no control character reaches the terminal raw.
TerminalText.Guard();

var root = new RootCommand("followup-admin: enrol massage courses for follow-up and see what FollowUp did.")
{
    CliContext.Verbose,
    CliContext.ConnectionString,
    CliContext.Now,
    DbCommands.Build(),
    CourseCommands.Build(),
    ScheduleCommands.Build(),
    SendCommands.Build(),
    AlertCommands.Build(),
    TherapistCommands.Build(),
    UserCommands.Build(),
    AuditCommands.Build(),
    ConfigCommands.Build(),
    StatusCommand.Build(),
    SimulateCommands.Build(),
    ReportCommands.Build(),
    ExportCommand.Build(),
    ReplyCommands.Build(),
    PatientCommands.Build(),
    RetentionCommands.Build(),
    SuppressionCommands.Build(),
};
return await CliContext.RunAsync(root, args);
