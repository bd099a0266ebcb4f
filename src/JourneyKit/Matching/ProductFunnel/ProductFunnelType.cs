namespace JourneyKit.Matching.ProductFunnel;

/// <summary>How a <see cref="ProductFunnel"/> matches its steps.</summary>
public enum ProductFunnelType
{
    /// <summary>Steps in order; other events may come between them.</summary>
    Ordered,

    /// <summary>Steps in order with no other event of the customer between them.</summary>
    Strict,

    /// <summary>Steps in any order: reaching step k means k distinct steps were done.</summary>
    Unordered,
}
