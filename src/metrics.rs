//! Prometheus metrics kept in process: request counts and a latency histogram by route, plus
//! gauges other modules set (e.g. the last reconcile's drift).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Latency bucket upper bounds in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// Process-wide metrics registry.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<(String, String), Histogram>>,
    gauges: Mutex<BTreeMap<String, (String, f64)>>,
}

impl Metrics {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one finished request. `route` is the matched route template, never the raw path,
    /// so label cardinality stays bounded.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        if let Ok(mut m) = self.requests.lock() {
            *m.entry((method.to_string(), route.to_string(), status))
                .or_default() += 1;
        }
        let secs = elapsed.as_secs_f64();
        if let Ok(mut m) = self.latency.lock() {
            let h = m
                .entry((method.to_string(), route.to_string()))
                .or_default();
            for (i, bound) in BUCKETS.iter().enumerate() {
                if secs <= *bound {
                    h.counts[i] += 1;
                }
            }
            h.count += 1;
            h.sum += secs;
        }
    }

    /// Sets a gauge `name` (with its help text) to `value`.
    pub fn set_gauge(&self, name: &str, help: &str, value: f64) {
        if let Ok(mut g) = self.gauges.lock() {
            g.insert(name.to_string(), (help.to_string(), value));
        }
    }

    /// The Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP careers_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE careers_http_requests_total counter\n");
        if let Ok(m) = self.requests.lock() {
            for ((method, route, status), n) in m.iter() {
                let _ = writeln!(
                    out,
                    "careers_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                    escape(route)
                );
            }
        }
        out.push_str(
            "# HELP careers_http_request_duration_seconds HTTP request latency by route.\n",
        );
        out.push_str("# TYPE careers_http_request_duration_seconds histogram\n");
        if let Ok(m) = self.latency.lock() {
            for ((method, route), h) in m.iter() {
                let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
                for (i, bound) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "careers_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {}",
                        h.counts[i]
                    );
                }
                let _ = writeln!(
                    out,
                    "careers_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(
                    out,
                    "careers_http_request_duration_seconds_sum{{{labels}}} {}",
                    h.sum
                );
                let _ = writeln!(
                    out,
                    "careers_http_request_duration_seconds_count{{{labels}}} {}",
                    h.count
                );
            }
        }
        if let Ok(g) = self.gauges.lock() {
            for (name, (help, value)) in g.iter() {
                let _ = writeln!(
                    out,
                    "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
                );
            }
        }
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_route_and_bucketed() {
        let m = Metrics::new();
        m.observe_request("GET", "/jobs/{id}", 200, Duration::from_millis(3));
        m.observe_request("GET", "/jobs/{id}", 200, Duration::from_millis(30));
        m.set_gauge("careers_reconcile_drift_rows", "Drift rows.", 2.0);
        let text = m.render();
        assert!(text.contains(
            "careers_http_requests_total{method=\"GET\",route=\"/jobs/{id}\",status=\"200\"} 2"
        ));
        assert!(text.contains("le=\"0.005\"} 1"));
        assert!(text.contains("le=\"+Inf\"} 2"));
        assert!(text.contains("careers_reconcile_drift_rows 2"));
    }
}
