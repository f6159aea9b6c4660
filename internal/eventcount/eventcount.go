// Package eventcount parks goroutines that wait for a condition of a
// lock-free structure (a queue not empty, not full) without lost wake-ups,
// while costing the structure's fast path one atomic load when nobody waits.
//
// It is Vyukov's eventcount ("eventcount: prepare_wait / commit_wait /
// cancel_wait / notify", 1024cores), the scheme also used by Eigen's thread
// pool, with Go channels as the parking primitive and a mutex on the slow
// path only.
package eventcount

import (
	"context"
	"sync"

	"github.com/xbeam/xbeam/atomicx"
)

// EventCount lets goroutines wait for a condition that other goroutines make
// true with lock-free operations. A waiter runs
//
//	for {
//		if tryOp() { return }          // fast path
//		w := ev.Prepare()              // announce the intent to wait
//		if tryOp() { ev.Cancel(w); return } // re-check after announcing
//		if err := ev.Wait(ctx, w); err != nil { return err }
//	}
//
// and every goroutine that makes the condition true calls NotifyOne (or
// NotifyAll) after publishing its change.
//
// No lost wake-ups: Prepare increments the waiter count with an atomic
// read-modify-write before the waiter re-checks the condition, and a notifier
// publishes its change before it loads the waiter count. Go's atomics are
// sequentially consistent, so in the single total order of these four
// operations either the waiter's re-check comes after the change (and sees
// it) or the notifier's load comes after the increment (and sees a waiter,
// which it then wakes under the mutex).
//
// The zero value is ready to use. An EventCount must not be copied after first
// use. All methods are safe for concurrent use.
//
// Memory model: a NotifyOne or NotifyAll that wakes a waiter synchronizes
// before the return of that waiter's Wait; everything the notifier did before
// calling Notify is visible to the woken goroutine.
type EventCount struct {
	_ noCopy

	// waiters is the number of goroutines between Prepare and the end of
	// their Wait or Cancel that have not been notified yet. Written by
	// Prepare/Cancel/Wait/Notify under mu; read without mu by Notify's fast
	// path: zero means there is nobody to wake, so the fast path costs one
	// load of a word that is only written when somebody waits.
	waiters atomicx.Int64

	mu   sync.Mutex
	head *Waiter // FIFO list of waiters not yet notified; guarded by mu
	tail *Waiter // guarded by mu
}

// Waiter is one goroutine's registration with an EventCount, from Prepare to
// Cancel or the return of Wait. It is pooled: it must not be used after that.
type Waiter struct {
	next, prev *Waiter       // list links, guarded by the EventCount's mu
	listed     bool          // whether the waiter is in the list (not yet notified); guarded by mu
	ch         chan struct{} // capacity 1: a notification; empty whenever the waiter is in the pool
}

var waiterPool = sync.Pool{New: func() any { return &Waiter{ch: make(chan struct{}, 1)} }}

// Prepare registers the calling goroutine as about to wait. The caller must
// re-check its condition after Prepare and then call exactly one of Cancel
// (the condition became true) or Wait.
func (e *EventCount) Prepare() *Waiter {
	w := waiterPool.Get().(*Waiter)
	e.mu.Lock()
	e.push(w)
	// The increment is the waiter's half of the Dekker pair described on
	// EventCount: it is ordered before the caller's re-check of its
	// condition.
	e.waiters.Add(1)
	e.mu.Unlock()
	return w
}

// Cancel withdraws a Waiter whose goroutine found its condition true after
// Prepare. If a notification reached w in the meantime, it is passed on to
// another waiter, so that no wake-up meant for the condition is lost.
func (e *EventCount) Cancel(w *Waiter) {
	e.mu.Lock()
	if w.listed {
		e.remove(w)
		e.waiters.Add(-1)
		e.mu.Unlock()
	} else {
		e.mu.Unlock()
		<-w.ch // the notifier sent before it unlisted w, under mu
		e.NotifyOne()
	}
	waiterPool.Put(w)
}

// Wait parks the calling goroutine until a notification reaches w (it
// returns nil) or ctx is done (it returns ctx.Err()). A notification that
// races with the cancellation is passed on to another waiter. w must come
// from Prepare on e and must not be used after Wait returns.
func (e *EventCount) Wait(ctx context.Context, w *Waiter) error {
	select {
	case <-w.ch:
		waiterPool.Put(w)
		return nil
	case <-ctx.Done():
	}
	e.Cancel(w) // withdraws w, or passes on a notification that raced in
	return ctx.Err()
}

// NotifyOne wakes one waiting goroutine, the one that prepared first, if
// any. It must be called after the change that the waiters wait for has been
// published. When nobody waits it costs one atomic load.
func (e *EventCount) NotifyOne() {
	// The notifier's half of the Dekker pair: this load comes after the
	// caller published its change.
	if e.waiters.Load() == 0 {
		return
	}
	e.notifySlow(false)
}

// NotifyAll wakes every goroutine waiting now. When nobody waits it costs
// one atomic load.
func (e *EventCount) NotifyAll() {
	if e.waiters.Load() == 0 {
		return
	}
	e.notifySlow(true)
}

func (e *EventCount) notifySlow(all bool) {
	e.mu.Lock()
	for w := e.head; w != nil; w = e.head {
		e.remove(w)
		e.waiters.Add(-1)
		w.ch <- struct{}{} // never blocks: capacity 1, and w is notified once per registration
		if !all {
			break
		}
	}
	e.mu.Unlock()
}

// Waiters returns the number of goroutines registered and not yet notified.
// It is meant for tests and metrics.
func (e *EventCount) Waiters() int { return int(e.waiters.Load()) }

func (e *EventCount) push(w *Waiter) {
	w.listed = true
	w.next = nil
	w.prev = e.tail
	if e.tail == nil {
		e.head = w
	} else {
		e.tail.next = w
	}
	e.tail = w
}

func (e *EventCount) remove(w *Waiter) {
	if w.prev == nil {
		e.head = w.next
	} else {
		w.prev.next = w.next
	}
	if w.next == nil {
		e.tail = w.prev
	} else {
		w.next.prev = w.prev
	}
	w.next, w.prev, w.listed = nil, nil, false
}

// noCopy may be embedded in structs that must not be copied after first use;
// go vet's copylocks check reports copies.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}
