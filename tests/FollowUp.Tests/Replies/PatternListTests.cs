using System.Text.RegularExpressions;
using FollowUp.Languages;

namespace FollowUp.Tests.Replies;

/// <summary>The patterns searched one by one find exactly what their one alternation finds. Pure.</summary>
public class PatternListTests
{
    private static readonly string[] Patterns = [@"\d{4}-\d{2}-\d{2}", @"\d+(?:st|nd|rd|th)", @"(?<!\w)\d+(?: km| kg)(?!\w)", @"\d{2}:\d{2}", @"(?<!\w)may \d{1,2}"];

    [Theory]
    [InlineData("pain 3, seen on 2026-05-03 at 10:30 after a 5 km walk")]
    [InlineData("the 3rd and the 21st, may 4 or may 14th, 12:00")]
    [InlineData("2026-05-03-2026-05-04 10:3011:45 3 kg4 kg")]
    [InlineData("nothing here but pain 4")]
    [InlineData("")]
    public void The_list_finds_the_same_matches_in_the_same_order_as_the_one_alternation(string text)
    {
        var alternation = new Regex(string.Join('|', Patterns), RegexOptions.CultureInvariant);
        var expected = alternation.Matches(text).Select(m => (m.Index, m.Length)).ToList();

        Assert.Equal(expected, new PatternList(Patterns, RegexOptions.CultureInvariant).Matches(text).ToList());
    }

    [Fact]
    public void Where_two_patterns_start_at_the_same_place_the_earlier_one_wins_and_the_search_goes_on_after_it()
    {
        var list = new PatternList([@"ab", @"abcd", @"cd"], RegexOptions.None);

        Assert.Equal([(0, 2), (2, 2)], list.Matches("abcd").ToList());
    }
}
