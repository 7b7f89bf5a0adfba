using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Courses;

internal static class CoursesFeature
{
    /// <summary>Enrolment (one course or a clinic's CSV), changes to a course, the therapists, the suppressed addresses.</summary>
    internal static IServiceCollection AddCourses(this IServiceCollection services)
    {
        services.AddSingleton<CourseEnrolment>();
        services.AddSingleton<CourseChanges>();
        services.AddSingleton<Therapists>();
        services.AddSettings<Import.ImportOptions>(Import.ImportOptions.Section, o => o.Validate());
        services.AddSingleton<Import.CourseImport>();
        services.AddSingleton<Import.ImportUploads>();
        services.AddSingleton<CourseQuery>();
        services.AddSingleton<Suppressions>();
        return services;
    }
}
