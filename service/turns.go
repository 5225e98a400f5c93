package service

import (
	"context"
	"sync/atomic"
	"time"
)

// turns lets an API process hand only so many messages to workflows at once; the others wait
// here for their turn, in the order they came (a channel's waiting senders are served first in,
// first out). At a deadline hundreds of submissions handed to the engine together wait for a
// worker in no order at all — a task queue's partitions and backlog serve some at once and leave
// others a minute — and crowd the workers' database pools; waiting here instead, in order, keeps
// every submission's wait near the mean and the engine at the pace its workers keep.
type turns struct {
	slots chan struct{} // nil: no limit
	// waiting counts the messages waiting now; taken and waited, the turns given and their waits.
	waiting, taken, waited atomic.Int64
}

// newTurns allows n messages at once; n < 1 allows any number.
func newTurns(n int) *turns {
	t := &turns{}
	if n > 0 {
		t.slots = make(chan struct{}, n)
	}
	return t
}

// take waits for a turn, or until ctx ends (its error then); release gives the turn back.
func (t *turns) take(ctx context.Context) (release func(), err error) {
	if t.slots == nil {
		return func() {}, nil
	}
	started := time.Now()
	t.waiting.Add(1)
	defer t.waiting.Add(-1)
	select {
	case t.slots <- struct{}{}:
		t.taken.Add(1)
		t.waited.Add(int64(time.Since(started)))
		return func() { <-t.slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// TurnFigures are what an API process's /metrics says of its messages' turns.
type TurnFigures struct {
	Waiting, Taken int64
	Waited         time.Duration
}

// Turns tells how many messages wait for their turn now, how many had one, and their waits in all.
func (s *Service) Turns() TurnFigures {
	return TurnFigures{Waiting: s.turns.waiting.Load(), Taken: s.turns.taken.Load(), Waited: time.Duration(s.turns.waited.Load())}
}
