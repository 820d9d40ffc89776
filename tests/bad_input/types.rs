//! Fields given a value of the wrong TOML type: the message names what was expected and what
//! was found. A plan kind that is not a string is in `plans`, a share given as a distribution
//! in `segments`.

config_errors! {
    wrong_type_string_for_a_price { "price = 20" => "price = ¶\"20\"" } "plan.max.price"
        ["expected a number", "found a string"]
    wrong_type_table_for_a_name { "name = \"max\"" => "name = ¶{ a = 1 }" } "plan[1].name"
        ["expected a string, found a table"]
    wrong_type_integer_for_the_scenario_name { "name = \"base\"" => "name = ¶5" } "name"
        ["expected a string, found an integer"]
    wrong_type_string_for_a_count { "trials = 2" => "trials = ¶\"2\"" } "simulation.trials"
        ["expected an integer, found a string"]
    wrong_type_fraction_for_a_count { "trials = 2" => "trials = ¶2.5" } "simulation.trials"
        ["expected a whole number", "2.5"]
    wrong_type_fraction_below_two_for_a_count { "trials = 2" => "trials = ¶1.5" }
        "simulation.trials" ["expected a whole number", "1.5"]
    wrong_type_boolean_for_a_seed { "seed = 1" => "seed = ¶true" } "simulation.seed"
        ["expected an integer, found a boolean"]
    wrong_type_date_for_a_cost { "input = 0.5" => "input = ¶1979-05-27" } "cost.input"
        ["found a date-time"]
    wrong_type_array_for_a_share { "cache_read_share = 0.5" => "cache_read_share = ¶[0.5]" }
        "segment.casual.cache_read_share" ["found an array"]
    wrong_type_string_for_a_table
        { "burn = { input = 500, output = 2500 }" => "burn = ¶\"x\"" } "plan.credits.burn"
        ["expected a table, found a string"]
}
