//! Segment values out of range: shares (each in [0, 1], a fixed number, summing to 1, each listed
//! when they do not), churn,
//! growth and volatility. A share of `inf` is in `numbers`; distributions for per-user values
//! are in `distributions`.

config_errors! {
    shares_sum_above_one
        { "[[segment]]\nname = \"casual\"" => "¶[[segment]]\nname = \"casual\"",
          "share = 0.4" => "share = 0.5" }
        "segment" ["shares must sum to 1", "but they sum to 1.1: casual 0.6 + power 0.5"]
    shares_sum_below_one
        { "[[segment]]\nname = \"casual\"" => "¶[[segment]]\nname = \"casual\"",
          "share = 0.4" => "share = 0.3" }
        "segment" ["shares must sum to 1", "0.8999", ": casual 0.6 + power 0.3"]
    segment_missing_its_share_is_named
        { "[[segment]]\nname = \"power\"" => "¶[[segment]]\nname = \"power\"",
          "share = 0.4\n" => "" }
        "segment.power.share" ["missing required field `share` in `segment.power`"]
    share_above_one { "share = 0.6" => "share = ¶1.6" } "segment.casual.share"
        ["must be in [0, 1]", "1.6"]
    negative_share { "share = 0.6" => "share = ¶-0.1" } "segment.casual.share"
        ["must be in [0, 1]"]
    share_given_as_a_distribution
        { "share = 0.4" => "share = ¶{ dist = \"uniform\", min = 0.3, max = 0.5 }" }
        "segment.power.share" ["fixed number, not a distribution"]
    monthly_churn_above_one { "monthly_churn = 0.05" => "monthly_churn = ¶1.5" }
        "segment.casual.monthly_churn" ["must be in [0, 1]", "1.5"]
    monthly_growth_of_minus_one { "monthly_churn = 0.05" => "monthly_growth = ¶-1" }
        "segment.casual.monthly_growth" ["must be > -1"]
    negative_volatility { "monthly_volatility = 0.3" => "monthly_volatility = ¶-0.5" }
        "segment.casual.monthly_volatility" ["must be >= 0", "-0.5"]
}
