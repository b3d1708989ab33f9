package directory

import (
	"errors"
	"testing"
	"time"

	"dadirectory/internal/edit"
	"dadirectory/internal/postgres/pgtest"
)

// A "still correct" link is refused once its 14 days have passed, and when any part of it has
// been changed, before anything about its entry is read.
func TestReviewLinkExpiresAndCannotBeForged(t *testing.T) {
	s := NewStore(pgtest.New(t))
	t.Cleanup(s.Close)
	ctx := t.Context()
	key, err := s.reviewLinkKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m := reminder{entityType: "agency", entityID: 1, userID: 1, due: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)}
	expired := signReviewLink(key, m, time.Now().Add(-time.Second))
	if _, err := s.ReviewLink(ctx, expired); !errors.Is(err, ErrReviewLinkGone) {
		t.Errorf("expired link: %v, want gone", err)
	}
	fresh := signReviewLink(key, m, time.Now().Add(stillCorrectFor))
	other := signReviewLink([]byte("another key entirely, 32 bytes.."), m, time.Now().Add(stillCorrectFor))
	for _, bad := range []string{"", "abc", fresh[:len(fresh)-1], other, "x." + fresh[len(fresh)-43:]} {
		if _, err := s.ReviewLink(ctx, bad); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("%.30q: %v, want not found", bad, err)
		}
	}
	if c, ok := checkReviewLink(key, fresh); !ok || c.entityID != 1 || c.due != "2027-01-31" {
		t.Errorf("a good token reads %+v %v", c, ok)
	}
}
