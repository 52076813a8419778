//! Writes a synthetic GTFS zip of a given size, shaped like real feeds
//! (IDFM-like ids, parent stations, several services, a few frequencies),
//! for `scripts/timetable-bench.sh`:
//!
//! ```text
//! cargo run --release --example synthetic_gtfs -- 13000000 /tmp/idfm-size.zip
//! ```

use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let target: u64 = args
        .next()
        .ok_or("usage: synthetic_gtfs STOP_TIMES OUT.zip")?
        .parse()?;
    let out = args
        .next()
        .ok_or("usage: synthetic_gtfs STOP_TIMES OUT.zip")?;
    // About 25 stops a trip, one stop for every 250 stop times (IDFM:
    // ~54,000 stops, ~500,000 trips for 13 M stop times); each route
    // along its own 25 stops, as in real feeds.
    let per_trip = 25u64;
    let trips = target.div_ceil(per_trip);
    let stations = (target / 500).max(20);
    let routes = (trips / 300).max(5);
    let file = std::fs::File::create(&out)?;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true);

    zip.start_file("agency.txt", options)?;
    zip.write_all(b"agency_id,agency_name,agency_url,agency_timezone\nA,Synthetic,https://example.invalid,Europe/Paris\n")?;

    zip.start_file("stops.txt", options)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, &mut zip);
    writeln!(
        w,
        "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station"
    )?;
    for s in 0..stations {
        let (lat, lon) = (
            48.5 + (s % 700) as f64 * 0.001,
            2.0 + (s / 700) as f64 * 0.001,
        );
        writeln!(w, "IDFM:zdc{s},\"Station {s}, Ville\",{lat:.6},{lon:.6},1,")?;
        for q in 0..2 {
            writeln!(
                w,
                "IDFM:{s}-{q},\"Station {s}, Ville\",{lat:.6},{lon:.6},0,IDFM:zdc{s}"
            )?;
        }
    }
    drop(w);

    zip.start_file("routes.txt", options)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, &mut zip);
    writeln!(
        w,
        "route_id,agency_id,route_short_name,route_long_name,route_type,route_color,route_text_color"
    )?;
    for r in 0..routes {
        writeln!(
            w,
            "IDFM:C{r:05},A,{r},Ligne {r},3,{:06X},FFFFFF",
            (r * 2_654_435_761) & 0xFF_FFFF
        )?;
    }
    drop(w);

    zip.start_file("calendar.txt", options)?;
    zip.write_all(b"service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n\
WK,1,1,1,1,1,0,0,20261101,20270131\nSA,0,0,0,0,0,1,0,20261101,20270131\nSU,0,0,0,0,0,0,1,20261101,20270131\n")?;
    zip.start_file("calendar_dates.txt", options)?;
    zip.write_all(b"service_id,date,exception_type\nWK,20261225,2\nSU,20261225,1\nWK,20270101,2\nSU,20270101,1\n")?;

    zip.start_file("trips.txt", options)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, &mut zip);
    writeln!(
        w,
        "route_id,service_id,trip_id,trip_headsign,direction_id,shape_id"
    )?;
    for t in 0..trips {
        let service = ["WK", "WK", "WK", "SA", "SU"][(t % 5) as usize];
        writeln!(
            w,
            "IDFM:C{:05},{service},IDFM:TRANSDEV:{t}-C{:05}-{service},\"Terminus {}\",{},",
            t % routes,
            t % routes,
            t % routes,
            (t / routes) % 2
        )?;
    }
    drop(w);

    zip.start_file("stop_times.txt", options)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, &mut zip);
    writeln!(
        w,
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type,drop_off_type,local_zone_id,stop_headsign,timepoint"
    )?;
    let mut written = 0u64;
    for t in 0..trips {
        let service = ["WK", "WK", "WK", "SA", "SU"][(t % 5) as usize];
        let start = 5 * 3600 + (t * 97) % (19 * 3600);
        // Each route runs along its own stops, both ways.
        let route = t % routes;
        let back = (t / routes) % 2 == 1;
        // Each trip its own pace (the worst case for the shared timing
        // profiles: none is shared): its first two hops name it.
        let mut at = start;
        for k in 0..per_trip {
            if written == target {
                break;
            }
            at += match k {
                0 => 0,
                1 => 60 + t % 997,
                2 => 60 + (t / 997) % 997,
                _ => 60 + (t * 31 + k * 17) % 7 * 10,
            };
            let time = format!("{:02}:{:02}:{:02}", at / 3600, at / 60 % 60, at % 60);
            let along = if back { per_trip - 1 - k } else { k };
            let stop = (route * 31 + along * 13) % stations;
            writeln!(
                w,
                "IDFM:TRANSDEV:{t}-C{:05}-{service},{time},{time},IDFM:{stop}-{},{},0,0,,,1",
                t % routes,
                u64::from(back),
                k + 1
            )?;
            written += 1;
        }
    }
    drop(w);
    zip.finish()?;
    println!(
        "{out}: {written} stop times, {trips} trips, {} stops, {routes} routes",
        stations * 2
    );
    Ok(())
}
