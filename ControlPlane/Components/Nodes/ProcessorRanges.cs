using System.Globalization;

namespace Vigil.ControlPlane.Components.Nodes;

/// <summary>Processor indexes as an operator reads them, in ranges as NSSM writes them: <c>0-3, 6</c>.</summary>
public static class ProcessorRanges
{
    public static string Of(IEnumerable<int> processors)
    {
        var ranges = new List<(int First, int Last)>();
        foreach (var processor in processors.Distinct().Order())
        {
            if (ranges.Count > 0 && ranges[^1].Last == processor - 1)
            {
                ranges[^1] = (ranges[^1].First, processor);
            }
            else
            {
                ranges.Add((processor, processor));
            }
        }

        return string.Join(", ", ranges.Select(r => r.First == r.Last
            ? r.First.ToString(CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{r.First}-{r.Last}")));
    }
}
