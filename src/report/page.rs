//! The page around the sections: the HTML document, its style sheet (inline), the heading
//! from run.json and the list of sections.

use super::{Section, html};

/// Inline style: the browser's own sans-serif font, charts that shrink with the window.
const STYLE: &str = "\
body{margin:0;background:#f6f7f9;color:#1d2330;font-family:sans-serif;line-height:1.45}
main{max-width:960px;margin:0 auto;padding:16px 20px 48px;background:#fff}
h1{font-size:1.6em;margin:.4em 0 .2em}
h2{font-size:1.25em;margin:1.6em 0 .3em;padding-top:.4em;border-top:1px solid #dde1e7}
h3{font-size:1em;margin:1em 0 .3em}
p{margin:.4em 0}
.meta{color:#4a5160}
nav a{margin-right:1em;white-space:nowrap}
a{color:#1f5fa8}
.grid{display:flex;flex-wrap:wrap;gap:10px 20px}
.grid figure{flex:0 0 460px}
figure{margin:8px 0}
svg{max-width:100%;height:auto;display:block}
table{border-collapse:collapse;font-size:.8em;margin:.5em 0}
th,td{padding:3px 6px;border-bottom:1px solid #e3e6eb;text-align:right;white-space:nowrap}
th{background:#eef1f5;vertical-align:bottom;white-space:normal}
td:first-child,th:first-child,td.text{text-align:left}
td small{color:#6a7180}
.scroll{overflow-x:auto}
.note{color:#6a7180;font-size:.9em}
";

/// The whole document.
pub(super) fn page(heading: &str, sections: &[Section]) -> String {
    let mut s = String::new();
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    // No request of any kind: styles are inline, charts are inline SVG, there is no script.
    s.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'\">\n",
    );
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    s.push_str("<title>plansim report</title>\n<style>\n");
    s.push_str(STYLE);
    s.push_str("</style>\n</head>\n<body>\n<main>\n");
    s.push_str(heading);
    s.push_str("<nav>");
    for sec in sections {
        s.push_str(&format!(
            "<a href=\"#{}\">{}</a> ",
            sec.id,
            html(&sec.title)
        ));
    }
    s.push_str("</nav>\n");
    for sec in sections {
        s.push_str(&format!(
            "<section id=\"{}\">\n<h2>{}</h2>\n{}\n{}</section>\n",
            sec.id,
            html(&sec.title),
            sec.intro,
            sec.body
        ));
    }
    s.push_str("</main>\n</body>\n</html>\n");
    s
}

/// The title and the run's facts from run.json (when readable): scenario, size, seed and
/// plansim's version; never its start time or wall time, so the page does not change
/// between two runs of the same scenario.
pub(super) fn heading(run_json: Option<&str>, prefix: &str, plans: &[String]) -> String {
    let json: Option<serde_json::Value> = run_json.and_then(|t| serde_json::from_str(t).ok());
    let field = |key: &str| json.as_ref().map(|j| j[key].clone());
    let name = json
        .as_ref()
        .and_then(|j| j["scenario"]["name"].as_str().map(str::to_string));
    let mut s = match &name {
        Some(n) => format!("<h1>plansim report: {}</h1>\n", html(n)),
        None => "<h1>plansim report</h1>\n".to_string(),
    };
    let mut facts = Vec::new();
    let count = |key: &str| field(key).and_then(|v| v.as_u64());
    if let (Some(t), Some(u), Some(m)) = (count("trials"), count("users"), count("months")) {
        facts.push(format!("{t} trials × {u} users × {m} months"));
    }
    if let Some(seed) = count("seed") {
        facts.push(format!("seed {seed}"));
    }
    if let Some(v) = field("plansim_version").and_then(|v| v.as_str().map(html)) {
        facts.push(format!("plansim {v}"));
    }
    facts.push(format!(
        "{} row{}",
        plans.len(),
        if plans.len() == 1 { "" } else { "s" }
    ));
    s.push_str(&format!("<p class=\"meta\">{}</p>\n", facts.join(" · ")));
    if let Some(desc) = json
        .as_ref()
        .and_then(|j| j["scenario"]["description"].as_str())
    {
        s.push_str(&format!("<p>{}</p>\n", html(desc)));
    }
    if !prefix.is_empty() {
        s.push_str(&format!(
            "<p class=\"meta\">A sweep: the first section compares its points; every section \
             after it shows one point in detail, the files in <code>{}</code>.</p>\n",
            html(prefix)
        ));
    }
    s
}
