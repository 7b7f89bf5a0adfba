using System.Xml.Linq;
using FollowUp.Database;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace FollowUp.Web;

/// <summary>Data Protection keeps its key ring in PostgreSQL (<see cref="FollowUp.Database.KeyRing"/>), shared by every web node.</summary>
internal sealed class KeyRingSetup(KeyRing keyRing) : IConfigureOptions<KeyManagementOptions>
{
    public void Configure(KeyManagementOptions options) => options.XmlRepository = new Repository(keyRing);

    private sealed class Repository(KeyRing keyRing) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements() => keyRing.All().Select(XElement.Parse).ToList();

        public void StoreElement(XElement element, string friendlyName) => keyRing.Store(friendlyName, element.ToString(SaveOptions.DisableFormatting));
    }
}
