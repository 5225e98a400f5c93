package service

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestTurnsAreGivenBack: with one turn, a second message waits until the first gives its turn
// back, and gives up when its time ends; the waits are counted for /metrics. (That waiters are let
// in first come, first served is the channel's own guarantee.)
func TestTurnsAreGivenBack(t *testing.T) {
	turns := newTurns(1)
	release, err := turns.take(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := turns.take(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a second message took the only turn: %v", err)
	}
	in := make(chan struct{})
	go func() {
		done, err := turns.take(context.Background())
		if err == nil {
			close(in)
			done()
		}
	}()
	for turns.waiting.Load() != 1 {
		time.Sleep(time.Millisecond)
	}
	select {
	case <-in:
		t.Fatal("let in while the turn was taken")
	case <-time.After(20 * time.Millisecond):
	}
	release()
	<-in
	if f := (&Service{turns: turns}).Turns(); f.Taken != 2 || f.Waiting != 0 || f.Waited <= 0 {
		t.Fatalf("figures: %+v", f)
	}

	unlimited := newTurns(0)
	for range 100 {
		if _, err := unlimited.take(short); err != nil {
			t.Fatal("no limit: never waits")
		}
	}
}
