package api

import (
	"testing"
	"time"
)

func TestLoginLimiterThrottlesPerAddress(t *testing.T) {
	l := newLimiter(3, time.Minute)
	for i := 0; i < 3; i++ {
		if !l.allow("10.0.0.1") {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	if l.allow("10.0.0.1") {
		t.Fatal("the fourth attempt within the minute is allowed")
	}
	if !l.allow("10.0.0.2") {
		t.Fatal("another address is throttled too")
	}
}
