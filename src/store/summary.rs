//! summary: summaries as the stores hand them out, and how they are read.
//!
//! A store keeps a [`SummaryDef`](super::schema::SummaryDef)'s summaries as *segments*: JSON
//! texts `[[id, key|null, summary|null]…]`, each tagged with the sequence number of the write
//! that added it (0: written whole by an upgrade or a rebuild). An entry with a `null` key
//! says the document's summary left that segment's bucket (deleted, or moved to another). Of
//! an id's entries the one of the latest write counts; of one write's two (a move between
//! buckets: `null` in the old one, the summary in the new), the summary.
//!
//! [`merge`] reads segments into the summaries of a key range in one pass, each summary parsed
//! straight into its type (no intermediate text). [`compact`] rewrites a bucket crowded with
//! small segments (one per save) as one, so that reading it stays cheap.

use super::key::{IndexKey, KeyPart, KeyRange};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value as Json;
use std::collections::hash_map::Entry::{Occupied, Vacant};
use std::collections::HashMap;

/// One segment: the sequence number of the write that added it and its JSON text.
pub type Segment = (i64, String);

/// An entry as read: id, key (None: the summary left the bucket), summary.
#[derive(Deserialize)]
struct Entry<K, T>(String, Option<K>, Option<T>);

/// The summaries whose keys are in `range`, in (key, id) order, as (id, summary); a summary
/// that does not read as a `T` is None. Err: a segment is not a JSON array of entries. Each
/// segment's text is let go once read, so the summaries take the memory it held.
pub fn merge<T: DeserializeOwned>(
    segments: Vec<Segment>,
    range: &KeyRange,
) -> Result<Vec<(String, Option<T>)>, String> {
    let mut m = Merge::new();
    for (seq, text) in segments {
        m.add(seq, text)?;
    }
    Ok(m.finish(range))
}

/// [`merge`] a segment at a time, so that segments are read while the store reads the next
/// (see [`DocStore::each_summary_segment`](super::DocStore::each_summary_segment)).
pub struct Merge<T> {
    /// Where each id's latest entry is in `latest`: (seq, key, summary).
    at: HashMap<String, usize>,
    latest: Vec<(i64, Option<IndexKey>, Option<T>)>,
}

impl<T: DeserializeOwned> Default for Merge<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: DeserializeOwned> Merge<T> {
    pub fn new() -> Self {
        Merge {
            at: HashMap::new(),
            latest: Vec::new(),
        }
    }

    /// One segment's entries, its text let go once read. Err: it is not a JSON array of
    /// entries.
    pub fn add(&mut self, seq: i64, text: String) -> Result<(), String> {
        // One typed pass when every summary reads (the usual case); else each alone.
        let entries: Vec<Entry<KeyPart, T>> = match serde_json::from_str(&text) {
            Ok(entries) => entries,
            // A key that is no key counts as none; a summary that is no `T`, as None.
            Err(_) => serde_json::from_str::<Vec<Entry<Json, Json>>>(&text)
                .map_err(|e| e.to_string())?
                .into_iter()
                .map(|Entry(id, key, v)| {
                    let key = key.as_ref().and_then(KeyPart::from_json);
                    Entry(id, key, v.and_then(|v| serde_json::from_value(v).ok()))
                })
                .collect(),
        };
        drop(text);
        let (at, latest) = (&mut self.at, &mut self.latest);
        at.reserve(entries.len());
        latest.reserve(entries.len());
        for Entry(id, key, summary) in entries {
            let key = match key {
                Some(KeyPart::Arr(parts)) => Some(IndexKey(parts)),
                _ => None,
            };
            match at.entry(id) {
                Vacant(place) => {
                    place.insert(latest.len());
                    latest.push((seq, key, summary));
                }
                Occupied(place) => {
                    let old = &mut latest[*place.get()];
                    if seq > old.0 || (seq == old.0 && key.is_some()) {
                        *old = (seq, key, summary);
                    }
                }
            }
        }
        Ok(())
    }

    /// The summaries of the segments added whose keys are in `range`, as [`merge`] gives them.
    pub fn finish(self, range: &KeyRange) -> Vec<(String, Option<T>)> {
        let Merge { at, mut latest } = self;
        let mut ids = vec![String::new(); latest.len()];
        for (id, i) in at {
            ids[i] = id;
        }
        // Those in the range, in (key, id) order: small rows sorted in place (ids are unique).
        let mut order: Vec<(IndexKey, usize)> = latest
            .iter_mut()
            .enumerate()
            .filter_map(|(i, (_, key, _))| {
                let key = key.take()?;
                range.contains(&key).then_some((key, i))
            })
            .collect();
        // The stable sort, which merges runs already in order: each segment's entries are
        // written in key order (see [`segment_text`]), so a month read from 100 segments is
        // 100 runs to merge rather than 100,000 rows to sort.
        crate::domain::sort::sort_by(&mut order, |a, b| {
            a.0.cmp(&b.0).then_with(|| ids[a.1].cmp(&ids[b.1]))
        });
        order
            .into_iter()
            .map(|(_, i)| (std::mem::take(&mut ids[i]), latest[i].2.take()))
            .collect()
    }
}

/// A bucket read with more segments than this, averaging under [`COMPACT_BELOW`] bytes, is
/// rewritten as one (see [`compact`]). Every write adds a segment to each bucket it touches,
/// and a browser spends 15–35 µs on each record it reads however small, so a month of cases
/// saved one at a time would otherwise make its report slower with every save.
pub const COMPACT_AT: usize = 48;
/// Segments of bulk writes and pulls (hundreds of entries each) cost their bytes, not their
/// number, to read: a bucket of those is left as it is. Averaging the sizes bounds what a
/// bucket's small segments add to its read to a share of its large ones' (a month of 100,000
/// cases, ~20 MB, is rewritten after ~1,200 single saves).
pub const COMPACT_BELOW: usize = 16 * 1024;

/// Whether a bucket of `count` segments, `bytes` long together, is to be compacted.
pub fn crowded(count: usize, bytes: usize) -> bool {
    count > COMPACT_AT && bytes / count.max(1) < COMPACT_BELOW
}

/// One bucket's segments as one: of each id its latest entry (as [`merge`] picks it), those
/// saying the summary left the bucket dropped, at the bucket's latest sequence number. Read
/// with the other buckets' segments, it gives what the segments it replaces gave: a write that
/// moves a summary out of a bucket always leaves a `null` entry there, so an id whose latest
/// entry in the bucket is a summary has no later entry anywhere. Entries are written in key
/// order, as every segment is (see [`segment_text`]). None: no segments. Err: a segment is
/// not a JSON array of entries (the bucket is then left as it is).
pub fn compact(segments: Vec<Segment>) -> Result<Option<Segment>, String> {
    let Some(last) = segments.iter().map(|(seq, _)| *seq).max() else {
        return Ok(None);
    };
    // As in `merge`: where each id's latest entry is in `latest`, (id, seq, key, summary).
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut latest: Vec<(String, i64, Option<Json>, Option<Json>)> = Vec::new();
    for (seq, text) in segments {
        let entries: Vec<Entry<Json, Json>> =
            serde_json::from_str(&text).map_err(|e| e.to_string())?;
        for Entry(id, key, summary) in entries {
            match at.entry(id) {
                Vacant(place) => {
                    latest.push((place.key().clone(), seq, key, summary));
                    place.insert(latest.len() - 1);
                }
                Occupied(place) => {
                    let old = &mut latest[*place.get()];
                    if seq > old.1 || (seq == old.1 && key.is_some()) {
                        (old.1, old.2, old.3) = (seq, key, summary);
                    }
                }
            }
        }
    }
    let mut entries: Vec<(Option<IndexKey>, String)> = latest
        .into_iter()
        .filter_map(|(id, _, key, summary)| {
            let key = key?;
            let summary = summary.unwrap_or(Json::Null);
            let text = format!("[{},{key},{summary}]", Json::String(id));
            Some((IndexKey::from_json(&key), text))
        })
        .collect();
    Ok(Some((last, segment_text(&mut entries))))
}

/// A segment's JSON text from its entries, each with its key (None: gone from the bucket),
/// written in key order (then by text: by id, for entries of one key), whatever order the
/// write came in. Any order reads the same; in key order [`merge`] has runs to merge.
pub fn segment_text(entries: &mut [(Option<IndexKey>, String)]) -> String {
    crate::domain::sort::sort_by(entries, |a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let mut text =
        String::with_capacity(entries.iter().map(|(_, e)| e.len() + 1).sum::<usize>() + 2);
    text.push('[');
    for (i, (_, entry)) in entries.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(entry);
    }
    text.push(']');
    text
}

/// A segment entry's JSON text: `[id, key, summary]`, or `[id, null, null]` when gone.
pub fn entry_text(id: &str, entry: Option<(&IndexKey, &str)>) -> String {
    let id = Json::String(id.to_string());
    match entry {
        Some((key, summary)) => format!("[{id},{},{summary}]", key.to_json()),
        None => format!("[{id},null,null]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> IndexKey {
        IndexKey(vec![KeyPart::Str(s.into())])
    }

    fn seg(seq: i64, entries: &[(&str, Option<(&str, &str)>)]) -> Segment {
        let texts: Vec<String> = entries
            .iter()
            .map(|(id, e)| {
                let key = e.map(|(key, _)| k(key));
                entry_text(id, key.as_ref().zip(e.map(|(_, s)| s)))
            })
            .collect();
        (seq, format!("[{}]", texts.join(",")))
    }

    fn read(segments: &[Segment], range: &KeyRange) -> Vec<(String, Option<i64>)> {
        merge::<i64>(segments.to_vec(), range).unwrap()
    }

    fn rows(v: &[(&str, Option<i64>)]) -> Vec<(String, Option<i64>)> {
        v.iter().map(|(i, n)| (i.to_string(), *n)).collect()
    }

    #[test]
    fn the_latest_write_of_an_id_counts_and_rows_come_in_key_then_id_order() {
        let segments = [
            seg(0, &[("b", Some(("m", "1"))), ("a", Some(("z", "2")))]),
            seg(5, &[("c", Some(("m", "3"))), ("a", Some(("a", "4")))]),
            // A later write deletes b.
            seg(9, &[("b", None)]),
        ];
        assert_eq!(
            read(&segments, &KeyRange::all()),
            rows(&[("a", Some(4)), ("c", Some(3))])
        );
        // Order of the segments as read does not matter: the sequence numbers do.
        let reversed: Vec<Segment> = segments.iter().rev().cloned().collect();
        assert_eq!(
            read(&reversed, &KeyRange::all()),
            rows(&[("a", Some(4)), ("c", Some(3))])
        );
    }

    #[test]
    fn report_facts_stored_as_objects_and_as_arrays_read_together() {
        use crate::domain::report::CaseFacts;
        // A bucket written before the facts were stored as arrays, and added to after.
        let old = r#"{"n":"TS-1","r":"2026-10-01T09:00:00","c":"email","v":2,"s":"closed","b":"not_ours","a":"2026-10-02T08:00:00"}"#;
        let new =
            r#"["TS-2","2026-10-01T10:00:00","phone",null,null,"运营部",["柜员甲"],"received"]"#;
        let segments = [
            seg(1, &[("c:1", Some(("2026-10-01T09:00:00", old)))]),
            seg(2, &[("c:2", Some(("2026-10-01T10:00:00", new)))]),
        ];
        let read = merge::<CaseFacts>(segments.to_vec(), &KeyRange::all()).unwrap();
        let facts: Vec<CaseFacts> = read
            .into_iter()
            .map(|(id, f)| f.expect("reads").with_id(id))
            .collect();
        assert_eq!(
            facts
                .iter()
                .map(|f| (
                    f.id.as_str(),
                    f.case_no.as_str(),
                    f.severity,
                    f.department.as_deref()
                ))
                .collect::<Vec<_>>(),
            [
                ("c:1", "TS-1", Some(2), None),
                ("c:2", "TS-2", None, Some("运营部"))
            ]
        );
        assert!(facts[0].responded_at.is_some() && facts[1].responsibility.is_none());
        // Written again, both come out as arrays that read the same.
        for f in &facts {
            let text = serde_json::to_string(f).unwrap();
            assert!(text.starts_with('['), "{text}");
            let back: CaseFacts = serde_json::from_str(&text).unwrap();
            assert_eq!(&back.with_id(f.id.clone()), f);
        }
    }

    #[test]
    fn a_move_between_buckets_in_one_write_keeps_the_summary() {
        // One write (seq 7) leaves the old bucket (null there) and enters a new one.
        let moved = [
            seg(0, &[("a", Some(("2026-09", "1")))]),
            seg(7, &[("a", Some(("2026-10", "2")))]),
            seg(7, &[("a", None)]),
        ];
        assert_eq!(read(&moved, &KeyRange::all()), rows(&[("a", Some(2))]));
        let mut other_order = moved.to_vec();
        other_order.swap(1, 2);
        assert_eq!(
            read(&other_order, &KeyRange::all()),
            rows(&[("a", Some(2))])
        );
    }

    #[test]
    fn only_keys_in_the_range_and_equal_keys_by_id() {
        let segments = [seg(
            1,
            &[
                ("y", Some(("b", "1"))),
                ("x", Some(("b", "2"))),
                ("w", Some(("c", "3"))),
                ("v", Some(("a", "4"))),
            ],
        )];
        assert_eq!(
            read(&segments, &KeyRange::between(k("b"), k("b"))),
            rows(&[("x", Some(2)), ("y", Some(1))])
        );
    }

    /// Compacting any one bucket's segments leaves what a read of all of them gives unchanged.
    #[test]
    fn a_compacted_bucket_reads_as_its_segments_did() {
        // Bucket "m" (keys "m…") and bucket "z": a moved to z and back, b deleted, c edited,
        // d moved to z for good, e written once; f is only in z.
        let m = vec![
            seg(0, &[("a", Some(("m1", "1"))), ("b", Some(("m2", "2")))]),
            seg(3, &[("c", Some(("m3", "3"))), ("d", Some(("m4", "4")))]),
            seg(4, &[("a", None)]),
            seg(6, &[("b", None), ("c", Some(("m5", "30")))]),
            seg(7, &[("d", None)]),
            seg(
                8,
                &[("a", Some(("m6", "11"))), ("e", Some(("m7", "\"说明\"")))],
            ),
        ];
        let z = vec![
            seg(4, &[("a", Some(("z1", "10")))]),
            seg(7, &[("d", Some(("z2", "40")))]),
            seg(8, &[("a", None)]),
            seg(9, &[("f", Some(("z3", "5")))]),
        ];
        let all: Vec<Segment> = m.iter().chain(&z).cloned().collect();
        let before = merge::<Json>(all.clone(), &KeyRange::all()).unwrap();
        let order: Vec<&str> = before.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(order, ["c", "a", "e", "d", "f"]);
        let cm = compact(m.clone()).unwrap().unwrap();
        let cz = compact(z.clone()).unwrap().unwrap();
        assert_eq!(cm.0, 8);
        assert_eq!(cz.0, 9);
        // The entries left: the latest of each id still in the bucket, in key order.
        assert_eq!(
            cm.1,
            r#"[["c",["m5"],30],["a",["m6"],11],["e",["m7"],"说明"]]"#
        );
        assert_eq!(cz.1, r#"[["d",["z2"],40],["f",["z3"],5]]"#);
        for segments in [
            vec![cm.clone()]
                .into_iter()
                .chain(z.clone())
                .collect::<Vec<_>>(),
            m.iter().cloned().chain([cz.clone()]).collect(),
            vec![cm, cz],
        ] {
            assert_eq!(merge::<Json>(segments, &KeyRange::all()).unwrap(), before);
        }
    }

    #[test]
    fn a_segment_is_written_in_key_order_and_reads_as_its_entries() {
        let mut entries: Vec<(Option<IndexKey>, String)> = [
            ("c", Some(("m", "1"))),
            ("a", None),
            ("b", Some(("m", "2"))),
            ("d", Some(("a", "3"))),
        ]
        .iter()
        .map(|(id, e)| {
            let key = e.map(|(key, _)| k(key));
            let text = entry_text(id, key.as_ref().zip(e.map(|(_, s)| s)));
            (key, text)
        })
        .collect();
        let unsorted = format!(
            "[{}]",
            entries
                .iter()
                .map(|(_, t)| t.as_str())
                .collect::<Vec<_>>()
                .join(",")
        );
        let text = segment_text(&mut entries);
        assert_eq!(
            text,
            r#"[["a",null,null],["d",["a"],3],["b",["m"],2],["c",["m"],1]]"#
        );
        assert_eq!(
            read(&[(1, text)], &KeyRange::all()),
            read(&[(1, unsorted)], &KeyRange::all())
        );
        assert_eq!(segment_text(&mut []), "[]");
    }

    #[test]
    fn many_small_segments_are_crowded_a_few_or_large_ones_not() {
        // One save each (a few hundred bytes).
        assert!(!crowded(COMPACT_AT, COMPACT_AT * 300));
        assert!(crowded(COMPACT_AT + 1, (COMPACT_AT + 1) * 300));
        // A bulk insert's 100 segments of 1,000 entries.
        assert!(!crowded(100, 100 * 200_000));
        // A pulled month (20 MB in 40 segments) and its saves since.
        assert!(!crowded(40 + 1_000, 20_000_000 + 1_000 * 300));
        assert!(crowded(40 + 1_500, 20_000_000 + 1_500 * 300));
    }

    #[test]
    fn compacting_nothing_or_a_broken_segment() {
        assert_eq!(compact(vec![]), Ok(None));
        assert!(compact(vec![(1, "[[\"a\",".into())]).is_err());
        // A bucket whose every summary left it is one empty segment.
        assert_eq!(
            compact(vec![
                seg(2, &[("a", Some(("m", "1")))]),
                seg(5, &[("a", None)])
            ]),
            Ok(Some((5, "[]".into())))
        );
    }

    #[test]
    fn an_unreadable_summary_is_none_and_a_broken_segment_an_error() {
        let segments = [seg(
            1,
            &[("a", Some(("k", "\"x\""))), ("b", Some(("k", "5")))],
        )];
        assert_eq!(
            read(&segments, &KeyRange::all()),
            rows(&[("a", None), ("b", Some(5))])
        );
        assert!(merge::<i64>(vec![(1, "[[\"a\",".into())], &KeyRange::all()).is_err());
        // A key that is no key (not an array; a part that is no number, string or array).
        let odd = r#"[["a",true,1],["b","k",2],["c",[null],3],["d",[[1,"x"]],4]]"#;
        assert_eq!(
            merge::<i64>(vec![(1, odd.into())], &KeyRange::all()).unwrap(),
            rows(&[("d", Some(4))])
        );
        assert!(merge::<i64>(vec![], &KeyRange::all()).unwrap().is_empty());
    }
}
