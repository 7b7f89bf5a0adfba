namespace FollowUp.Web.Pages;

/// <summary>The ACK form under an open alert, on the alert list and on the course page.</summary>
public sealed record AckFormModel(long AlertId, string ReturnUrl);
