package training

import (
	"context"
	"testing"
	"time"

	"dadirectory/internal/access"
	"dadirectory/internal/uktime"
)

func TestRemindersTwoDaysBeforeOncePerBooking(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	out := f.outbox(t)
	soon := f.session(t, f.course(t, "Soon course", "in_person", "staff"), 1, 5)
	later := f.session(t, f.course(t, "Later course", "online", "staff"), 5, 5)
	a, b, c := f.user(t, access.HousingStaff, ""), f.user(t, access.HousingStaff, ""), f.user(t, access.HousingStaff, "")
	for _, p := range []access.Viewer{a, b} {
		if _, err := f.store.Book(ctx, p, soon.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.store.Book(ctx, c, later.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.CancelBooking(ctx, b, soon.ID); err != nil {
		t.Fatal(err)
	}
	// Mail off: nothing.
	if n, err := f.store.SendReminders(ctx); err != nil || n != 0 {
		t.Errorf("with mail off: %d %v", n, err)
	}
	store := f.store.WithMail(out, 0)
	if n, err := store.SendReminders(ctx); err != nil || n != 1 {
		t.Fatalf("first run: %d %v (want a's reminder only)", n, err)
	}
	if n, err := store.SendReminders(ctx); err != nil || n != 0 {
		t.Errorf("second run sent again: %d %v", n, err)
	}
	var subject, text string
	if err := f.db.QueryRow(ctx, `SELECT args->'message'->>'subject', args->'message'->>'text' FROM river_job
		WHERE kind = 'mail' AND args->'message'->>'to' = (SELECT email FROM users WHERE id = $1)`, a.UserID).Scan(&subject, &text); err != nil {
		t.Fatal(err)
	}
	if subject != "Reminder: Soon course, "+uktime.Date(soon.StartsAt) {
		t.Errorf("subject %q", subject)
	}
	// Four days on, the later session is two days away: c's reminder, once.
	on := store.WithClock(func() time.Time { return f.now.Add(4 * 24 * time.Hour) })
	if n, err := on.SendReminders(ctx); err != nil || n != 1 {
		t.Errorf("four days on: %d %v", n, err)
	}
}
