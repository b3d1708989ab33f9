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

// FuzzReviewLink: no token but one signed with the key is accepted, whatever is changed in it.
func FuzzReviewLink(f *testing.F) {
	key := []byte("a key of thirty-two bytes, fixed")
	good := signReviewLink(key, reminder{entityType: "contact", entityID: 7, userID: 3, due: time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC)},
		time.Unix(1900000000, 0))
	f.Add(good)
	f.Add("")
	f.Add("a.b")
	f.Add(good[:len(good)-1] + "A")
	f.Fuzz(func(t *testing.T, token string) {
		c, ok := checkReviewLink(key, token)
		if ok && token != good {
			// Another encoding of the same bytes is the only way in: it must say the same.
			if c.entityType != "contact" || c.entityID != 7 || c.userID != 3 || c.due != "2027-05-01" {
				t.Fatalf("accepted a forged token %q: %+v", token, c)
			}
		}
	})
}
