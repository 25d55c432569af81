//! `[protocol]`: who proposes, and the offer grid.

use crate::model::{ProposerRule, Protocol};

use super::checks::{one_of, prob};
use super::{bad, k, Players, MAX_RESOLUTION, PROPOSER_RULES, V};
use crate::config::raw::RawProtocol;

pub(super) fn protocol(p: &RawProtocol, players: &Players) -> V<Protocol> {
    let base = "protocol";
    let rule = one_of(
        &k(base, "proposer"),
        &p.proposer,
        "proposer rule",
        PROPOSER_RULES,
    )?;
    let proposer = match rule {
        "alternate" => {
            if p.recognition.is_some() {
                return bad(
                    k(base, "recognition"),
                    "only used with proposer = \"random\"; remove it or set proposer = \"random\"",
                );
            }
            let first = match &p.first {
                Some(f) => players.index(&k(base, "first"), f)?,
                None => 0,
            };
            ProposerRule::Alternate { first }
        }
        _ => {
            if p.first.is_some() {
                return bad(
                    k(base, "first"),
                    "only used with proposer = \"alternate\"; with \"random\" set recognition instead",
                );
            }
            ProposerRule::Random {
                p0: prob(&k(base, "recognition"), p.recognition.unwrap_or(0.5))?,
            }
        }
    };
    if p.resolution == 0 || p.resolution > MAX_RESOLUTION {
        return bad(
            k(base, "resolution"),
            format!(
                "expected a number of grid steps in [1, {MAX_RESOLUTION}], found {}",
                p.resolution
            ),
        );
    }
    if p.max_ratifications == 0 {
        return bad(
            k(base, "max_ratifications"),
            "expected a number of failed ratifications >= 1, found 0",
        );
    }
    Ok(Protocol {
        proposer,
        resolution: p.resolution,
        max_ratifications: p.max_ratifications,
    })
}
