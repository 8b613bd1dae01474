use std::future::Future;
use std::pin::Pin;
use std::time::Duration as StdDuration;

use super::*;

type Entering<'a> = Pin<Box<dyn Future<Output = Result<HashingTurn, Throttled>> + Send + 'a>>;

fn enter<'a>(gate: &'a FairHashingGate, client: &'a str) -> Entering<'a> {
    Box::pin(gate.enter(client))
}

/// What `entering` answers without waiting, if anything.
async fn at_once(entering: &mut Entering<'_>) -> Option<Result<HashingTurn, Throttled>> {
    tokio::time::timeout(StdDuration::ZERO, entering).await.ok()
}

#[tokio::test]
async fn an_address_gets_its_share_then_queues_then_is_refused_while_others_enter_at_once() {
    let gate = FairHashingGate::new(1, 2);
    let first = at_once(&mut enter(&gate, "ip:a")).await.unwrap().unwrap();
    let (mut second, mut third) = (enter(&gate, "ip:a"), enter(&gate, "ip:a"));
    assert!(at_once(&mut second).await.is_none(), "waits behind its own first request");
    assert!(at_once(&mut third).await.is_none());
    let refused = at_once(&mut enter(&gate, "ip:a")).await.unwrap().unwrap_err();
    assert_eq!(refused, Throttled { retry_after: Duration::seconds(1) });

    let other = at_once(&mut enter(&gate, "ip:b")).await;
    assert!(matches!(other, Some(Ok(_))), "another address does not wait for this one's queue");

    drop(first);
    let second = at_once(&mut second).await.unwrap().unwrap();
    assert!(at_once(&mut third).await.is_none());
    drop(second);
    assert!(at_once(&mut third).await.is_some());
}

#[tokio::test]
async fn an_abandoned_wait_gives_up_its_place_in_the_queue() {
    let gate = FairHashingGate::new(1, 1);
    let _first = at_once(&mut enter(&gate, "ip:a")).await.unwrap().unwrap();
    let mut waiting = enter(&gate, "ip:a");
    assert!(at_once(&mut waiting).await.is_none());
    assert!(at_once(&mut enter(&gate, "ip:a")).await.unwrap().is_err(), "the queue is full");
    drop(waiting);
    assert!(at_once(&mut enter(&gate, "ip:a")).await.is_none(), "queued again instead of refused");
}

#[tokio::test]
async fn the_share_is_a_quarter_of_the_pool_and_at_least_one() {
    for (pool, share) in [(1, 1), (2, 1), (8, 2), (16, 4)] {
        let gate = FairHashingGate::for_pool(pool, 0);
        let turns: Vec<_> = {
            let mut turns = Vec::new();
            for _ in 0..share {
                turns.push(at_once(&mut enter(&gate, "ip:a")).await.unwrap().unwrap());
            }
            turns
        };
        assert!(at_once(&mut enter(&gate, "ip:a")).await.unwrap().is_err(), "pool {pool}: share {share}");
        drop(turns);
    }
}

#[tokio::test]
async fn an_address_is_forgotten_once_none_of_its_requests_is_present() {
    let gate = FairHashingGate::new(1, 8);
    let turn = at_once(&mut enter(&gate, "ip:a")).await.unwrap().unwrap();
    let mut waiting = enter(&gate, "ip:a");
    assert!(at_once(&mut waiting).await.is_none());
    drop(turn);
    drop(waiting);
    assert!(gate.lock().is_empty());
}
