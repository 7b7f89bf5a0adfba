using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace FollowUp.Web;

/// <summary>
/// A request with a method the page has no handler for is "not found": Razor Pages would otherwise run the page
/// without its handler and render it half-built.
/// </summary>
internal sealed class NoHandlerIsNotFound : IPageFilter
{
    public void OnPageHandlerSelected(PageHandlerSelectedContext context) { }

    public void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        if (context.HandlerMethod is null) context.Result = new NotFoundResult();
    }

    public void OnPageHandlerExecuted(PageHandlerExecutedContext context) { }
}
