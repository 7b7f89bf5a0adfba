using MimeKit;
using MimeKit.Cryptography;

namespace FollowUp.CheckIns;

/// <summary>
/// Optional DKIM signing (RFC 6376) of check-ins and reminders, for clinics whose own server does not sign: receivers
/// that check DKIM (Gmail, Outlook) are then less likely to file check-ins as spam. Off unless a key is configured.
/// </summary>
internal static class CheckInDkim
{
    // The headers a receiver needs to trust as ours; List-Unsubscribe(-Post) must be signed for one-click (RFC 8058 §4).
    private static readonly HeaderId[] Signed =
        [HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId, HeaderId.ReplyTo, HeaderId.ListUnsubscribe, HeaderId.ListUnsubscribePost];

    public static DkimSigner? Create(DispatchOptions options) =>
        string.IsNullOrWhiteSpace(options.DkimKeyFile) ? null
            : new DkimSigner(options.DkimKeyFile, options.DkimDomain!, options.DkimSelector!, DkimSignatureAlgorithm.RsaSha256)
            {
                HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
                BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            };

    public static void Sign(DkimSigner signer, MimeMessage message)
    {
        // The body must not be re-encoded in transit after signing: 7-bit content survives every relay unchanged.
        message.Prepare(EncodingConstraint.SevenBit);
        signer.Sign(message, Signed.Where(h => message.Headers.Contains(h)).ToArray());
    }
}
