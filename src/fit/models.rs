//! Candidate distributions for a positive quantity across users, fitted by maximum likelihood
//! (EM for lognormal mixtures), with their goodness of fit and bootstrap intervals.

/// One component of a lognormal mixture.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Component {
    /// Mixing weight (the weights sum to 1).
    pub weight: f64,
    /// Mean of ln x.
    pub mu: f64,
    /// Standard deviation of ln x (> 0).
    pub sigma: f64,
}

/// A fitted candidate.
#[derive(Clone, Debug, PartialEq)]
pub enum Model {
    /// Lognormal: ln x ~ N(mu, sigma^2).
    LogNormal {
        /// Mean of ln x.
        mu: f64,
        /// Sd of ln x.
        sigma: f64,
    },
    /// Gamma with shape k and scale theta.
    Gamma {
        /// Shape k.
        shape: f64,
        /// Scale theta.
        scale: f64,
    },
    /// Weibull with shape k and scale lambda.
    Weibull {
        /// Shape k.
        shape: f64,
        /// Scale lambda.
        scale: f64,
    },
    /// Pareto (type I) above `xmin`: a tail model, fitted to the observations >= xmin only.
    Pareto {
        /// Tail index alpha.
        alpha: f64,
        /// Lower bound xmin (chosen by the KS distance, Clauset-Shalizi-Newman).
        xmin: f64,
    },
    /// A mixture of lognormals, components in increasing mu.
    Mixture(Vec<Component>),
}

/// A candidate fitted to a sample, with its goodness of fit.
#[derive(Clone, Debug, PartialEq)]
pub struct Fitted {
    /// The model.
    pub model: Model,
    /// Observations the likelihood covers (the tail only for a Pareto).
    pub n: usize,
    /// Log-likelihood at the fit.
    pub log_lik: f64,
    /// Bayesian information criterion: k ln n - 2 ln L.
    pub bic: f64,
    /// Kolmogorov-Smirnov distance to the empirical CDF (of the tail for a Pareto).
    pub ks: f64,
    /// Anderson-Darling statistic A^2 (of the tail for a Pareto).
    pub ad: f64,
}

/// A bootstrap interval of one parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamInterval {
    /// Parameter name as [`Model::params`] gives it.
    pub name: String,
    /// The estimate on the whole sample.
    pub estimate: f64,
    /// 5th percentile of the bootstrap estimates.
    pub lo: f64,
    /// 95th percentile of the bootstrap estimates.
    pub hi: f64,
}
