//! Run sizes (trials, users, months, threads, seed) that are zero, negative, beyond 64 bits or
//! too large to run, in the scenario file or on the command line. A run too large is refused
//! before anything is allocated, with its estimated memory and time.

config_errors! {
    config_trials_zero { "trials = 2" => "trials = ¶0" } "simulation.trials"
        ["trials must be at least 1"]
    config_users_zero { "users = 10" => "users = ¶0" } "simulation.users"
        ["users must be at least 1"]
    config_months_zero { "months = 2" => "months = ¶0" } "simulation.months"
        ["months must be at least 1"]
    negative_user_count { "users = 10" => "users = ¶-10" } "simulation.users"
        ["whole number >= 0", "-10"]
    negative_user_count_of_three { "users = 10" => "users = ¶-3" } "simulation.users"
        ["whole number >= 0", "-3"]
    negative_seed { "seed = 1" => "seed = ¶-1" } "simulation.seed" ["whole number >= 0"]
    config_months_too_large { "months = 2" => "months = ¶5000" } "simulation.months"
        ["at most 1200", "5000"]
    config_trials_beyond_64_bits { "trials = 2" => "trials = ¶99999999999999999999" }
        "simulation.trials"
        ["must be a whole number from 0 to 9223372036854775807", "got 99999999999999999999"]
    config_trials_1e30 { "trials = 2" => "trials = ¶1e30" } "simulation.trials"
        ["must be a whole number from 0 to 9223372036854775807 (2^63 - 1, about 9.2e18), got 1e30"]
    seed_above_the_largest_whole_number { "seed = 1" => "seed = ¶9.3e18" } "simulation.seed"
        ["must be a whole number from 0 to 9223372036854775807", "got 9.3e18"]
    seed_with_a_fraction_beyond_f64_precision
        { "seed = 1" => "seed = ¶10000000000000000.5" } "simulation.seed"
        ["expected a whole number, found 10000000000000000.5"]
    config_users_too_large_is_a_config_error { "users = 10" => "users = ¶100000000000" }
        "simulation.users" ["100000000000"]
}

run_refusals! {
    flag_trials_zero {} ["--trials", "0"] 2
        "error: scenario.toml: --trials 0: simulation.trials: trials must be at least 1" []
    flag_users_zero {} ["--users", "0"] 2
        "error: scenario.toml: --users 0: simulation.users: users must be at least 1" []
    flag_months_zero {} ["--months", "0"] 2
        "error: scenario.toml: --months 0: simulation.months: months must be at least 1" []
    flag_threads_zero {} ["--threads", "0"] 2 "error: --threads must be at least 1" []
    flag_users_too_large {} ["--users", "100000000000"] 2
        "error: scenario.toml: --users 100000000000: simulation.users: users must be at most \
         100000000 per trial (use more trials instead), got 100000000000" []
    flag_months_too_large {} ["--months", "5000"] 2
        "error: scenario.toml: --months 5000: simulation.months: months must be at most 1200 \
         (100 years), got 5000" []
    flag_trials_work_too_large {} ["--trials", "1000000000000"] 2
        "error: 8.00e13 user-plan-months is too large (at most 1e13): 1000000000000 trials x 10 \
         users x 2 months x 4 plans is estimated at "
        [" of memory and ", " on 2 threads"]
    flag_trials_times_users_too_large {} ["--trials", "1000000000", "--users", "1000000"] 2
        "error: " ["is too large"]
    flag_trials_u64_max {} ["--trials", "18446744073709551615"] 2
        "error: scenario.toml: --trials 18446744073709551615: simulation.trials: must be a whole \
         number from 0 to 9223372036854775807 (2^63 - 1, about 9.2e18), got 18446744073709551615"
        []
    flag_trials_too_large_for_memory {} ["--trials", "1000000000", "--users", "1", "--months", "1"] 2
        "error: the run is too large for memory (at most 16.0 GB estimated): 1000000000 trials x \
         1 users x 1 months x 4 plans is estimated at "
        [" of memory and ", " on 2 threads"]
    config_trials_work_too_large { "trials = 2" => "trials = 1000000000000" } [] 2 "error: "
        ["user-plan-months is too large (at most 1e13)", "estimated at", " of memory and "]
    config_trials_too_large_for_memory
        { "trials = 2" => "trials = 1000000000", "users = 10" => "users = 1",
          "months = 2" => "months = 1" } [] 2 "error: "
        ["too large for memory", "estimated at", " of memory and "]
    flag_threads_absurdly_large {} ["--threads", "100000000"] 2 "error: --threads" []
}

/// Counts and the seed may be written as floats with no fractional part up to 2^63 - 1: the
/// magnitude limit of 1e15 is for amounts and rates, not for whole numbers.
#[test]
fn whole_numbers_written_as_floats_up_to_9_2e18_are_accepted() {
    for seed in [
        "9.2e18",
        "1e16",
        "10000000000000000",
        "9_223_372_036_854_775_807.0",
    ] {
        let text = crate::edit(crate::BASE, &[("seed = 1", format!("seed = {seed}"))]);
        let dir = crate::with_config(&text);
        let run = crate::plansim(dir.path(), &["check", crate::CONFIG]);
        assert_eq!(run.code, Some(0), "seed = {seed}: {}", run.describe());
    }
}
