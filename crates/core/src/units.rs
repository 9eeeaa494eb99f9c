//! Sizes and durations in the words people read: "1.2 KB", "38 ms", "2.4 s".

use std::time::Duration;

/// Decimal units (1 KB = 1000 bytes), as browsers and curl's progress show them.
pub fn format_size(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut v = n as f64;
    let mut i = 0;
    while v >= 1000.0 && i < UNITS.len() - 1 {
        v /= 1000.0;
        i += 1;
    }
    if v >= 100.0 {
        format!("{v:.0} {}", UNITS[i])
    } else {
        format!("{v:.1} {}", UNITS[i])
    }
}

pub fn format_duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 1.0 {
        format!("{ms:.2} ms")
    } else if ms < 10.0 {
        format!("{ms:.1} ms")
    } else if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else if ms < 60_000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else {
        let s = d.as_secs();
        format!("{}m {:02}s", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations_read_well() {
        assert_eq!(format_size(999), "999 B");
        assert_eq!(format_size(1_200), "1.2 KB");
        assert_eq!(format_size(20_000_000), "20.0 MB");
        assert_eq!(format_size(256_000_000), "256 MB");
        assert_eq!(format_duration(Duration::from_millis(38)), "38 ms");
        assert_eq!(format_duration(Duration::from_millis(2400)), "2.4 s");
        assert_eq!(format_duration(Duration::from_secs(125)), "2m 05s");
    }
}
