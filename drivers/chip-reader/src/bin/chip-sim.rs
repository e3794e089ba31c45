//! `chip-sim`: a simulated eMRTD chip in vsmartcard's virtual PC/SC reader.
//!
//!     chip-sim [--port 35963] [--host 127.0.0.1] [--specimen NAME | --mrz LINE...]
//!              [--photocopy] [--once]
//!     chip-sim --print-demo-csca      # the demo root as PEM (NOT FOR PRODUCTION)
//!
//! The chip is signed by the demo CSCA (config/trust/demo/demo-csca.pem, NOT FOR
//! PRODUCTION). Specimen names are those of `card_reader::sim::specimens` (default
//! `aze_id_card`). Start pcscd with the vpcd driver first; the simulator connects to it.

use std::net::{SocketAddr, ToSocketAddrs};
use std::process::ExitCode;
use std::time::Duration;

use chip_reader::sim::SimCard;
use chip_reader::sim::demo::demo_card;
use chip_reader::vpcd::{self, Ended};

struct Args {
    addr: SocketAddr,
    mrz: Vec<String>,
    photocopy: bool,
    once: bool,
}

fn specimen(name: &str) -> Option<Vec<String>> {
    use card_reader::sim::specimens as s;
    Some(match name {
        "aze_id_card" => s::aze_id_card(),
        "aze_td2_card" => s::aze_td2_card(),
        "icao_td1" => s::icao_td1(),
        "icao_td3" => s::icao_td3(),
        "foreign_passport" => s::foreign_passport(),
        _ => return None,
    })
}

fn parse_args() -> Result<Args, String> {
    let (mut host, mut port) = ("127.0.0.1".to_string(), vpcd::DEFAULT_PORT);
    let (mut mrz, mut photocopy, mut once) = (Vec::new(), false, false);
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--port" => {
                port = value()?
                    .parse()
                    .map_err(|_| "--port takes a number".to_string())?
            }
            "--host" => host = value()?,
            "--mrz" => mrz.push(value()?),
            "--specimen" => {
                let name = value()?;
                mrz = specimen(&name).ok_or(format!("unknown specimen {name}"))?;
            }
            "--photocopy" => photocopy = true,
            "--once" => once = true,
            "--print-demo-csca" => return Err("print-demo-csca".into()),
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if mrz.is_empty() {
        mrz = card_reader::sim::specimens::aze_id_card();
    }
    let addr = (host.as_str(), port)
        .to_socket_addrs()
        .map_err(|e| e.to_string())?
        .next()
        .ok_or("no address")?;
    Ok(Args {
        addr,
        mrz,
        photocopy,
        once,
    })
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) if e == "print-demo-csca" => {
            use der::EncodePem;
            return match chip_reader::sim::demo::demo_csca()
                .map(|c| c.to_pem(der::pem::LineEnding::LF))
            {
                Ok(Ok(pem)) => {
                    print!("{pem}");
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(1),
            };
        }
        Err(e) => {
            eprintln!(
                "{e}\nusage: chip-sim [--port N] [--host H] [--specimen NAME | --mrz LINE...] [--photocopy] [--once]"
            );
            return ExitCode::from(2);
        }
    };
    let lines: Vec<&str> = args.mrz.iter().map(String::as_str).collect();
    let profile = match demo_card(&lines, args.photocopy).and_then(|p| p.build()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("cannot personalise the simulated chip: {e}");
            return ExitCode::from(1);
        }
    };
    loop {
        let mut stream = match vpcd::connect(args.addr, Duration::from_secs(30)) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(1);
            }
        };
        eprintln!(
            "chip-sim: card inserted in the virtual reader at {}",
            args.addr
        );
        let mut card = SimCard::new(profile.clone());
        match vpcd::serve(&mut card, &mut stream) {
            Ok(Ended::CardRemoved) => eprintln!("chip-sim: card removed"),
            Ok(Ended::ReaderClosed) => eprintln!("chip-sim: virtual reader closed"),
            Err(e) => eprintln!("chip-sim: {e}"),
        }
        if args.once {
            return ExitCode::SUCCESS;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}
