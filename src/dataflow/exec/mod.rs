//! Physical execution: pull-based operators over batches of up to 2048 rows.
//!
//! Operators implement [`batch::Operator::next`]. Pipeline breakers (hash join build, hash
//! aggregate, sort, distinct) keep their state in per-operator structures charged to the
//! memory budget: the join's build columns and key table, the aggregate's group table and
//! per-group state vectors, the sort's buffered columns. Each of these is a set of
//! independent vectors indexed by row or group id, so a spilling step can partition them by
//! key hash (join, aggregate, distinct) or by run (sort) and write partitions out: sort and
//! aggregate do spill (`spill.rs`, `merge.rs`); see `docs/dataflow.md`.

pub mod agg_radix;
pub mod agg_state;
pub mod aggregate;
pub mod batch;
pub mod columns;
pub mod compute;
pub mod grouper;
pub mod join;
pub mod join_table;
#[cfg(test)]
mod join_tests;
pub mod keys;
pub mod limit;
pub mod merge;
pub mod merge_join;
pub mod parallel;
#[cfg(test)]
mod parallel_tests;
pub mod physical;
pub mod probe_stage;
pub mod scan;
pub mod setops;
pub mod shared;
pub mod sort;
pub mod spill;
#[cfg(test)]
mod spill_tests;
