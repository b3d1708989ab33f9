package audit

import (
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dadirectory/internal/phone"
	"dadirectory/internal/uktime"
)

// The trail in people's words: an event's before and after as the fields a person would
// recognise, labelled as the forms label them, with phone numbers, dates and lists written as
// the rest of the site writes them, and the fields only the software uses left out.

// Value is one side of a shown change: a single text, or a list (phone numbers, areas).
type Value struct {
	Present bool // false: the field was not there, or was empty of any value (null)
	Text    string
	List    []string
	IsList  bool
}

// Empty reports a value that is present but says nothing ("", an empty list).
func (v Value) Empty() bool { return v.Present && v.Text == "" && len(v.List) == 0 }

// FieldChange is one field that differs between an event's before and after, in words.
type FieldChange struct {
	Key    string // the recorded key ("phones")
	Label  string // what a person calls it ("Phone numbers")
	Before Value
	After  Value
}

// Labels are the words for recorded keys: per entity type, then for any type.
type Labels map[string]map[string]string

// hiddenFields are kept by the software for itself: versions, ids, hashes, ordering.
var hiddenFields = map[string]bool{
	"version": true, "reverts_event": true, "sort_order": true, "sha256": true, "session_id": true,
	"user_id": true, "id": true, "slug": true, "agency_id": true, "course_id": true, "provider_id": true,
	"contact_id": true, "waitlist_seq": true, "created_at": true, "updated_at": true, "session_epoch": true,
	"storage_key": true, "file_id": true, "actor_id": true,
}

// Hidden reports whether a recorded key is one the trail never shows.
func Hidden(key string) bool { return hiddenFields[key] || isSecret(key) }

// commonLabels name the keys the features record, whatever the entity; a feature's own form
// labels (given to the Store) come first.
var commonLabels = map[string]string{
	"name": "Name", "title": "Title", "summary": "Summary", "description": "Description",
	"website": "Website", "email": "Email address", "phones": "Phone numbers", "phone": "Phone number",
	"opening_hours": "Opening hours", "referral_route": "How to be referred", "eligibility": "Who can use it",
	"keywords": "Search keywords", "visibility": "Who can see it", "open_24h": "Open 24 hours",
	"languages": "Languages", "areas": "Areas", "categories": "Types of support",
	"audiences": "Who the service is for", "archived_at": "Archived", "archived": "Archived",
	"reviewed_at": "Last confirmed correct", "review_due": "Next review due", "role_title": "Role or title",
	"person_name": "Name of the person", "hours": "Hours", "notes": "Notes", "kind": "Kind",
	"main": "The organisation's main number", "is_key": "On the key contacts list",
	"key_order": "Place on the key contacts list", "role": "Role", "organisation": "Organisation",
	"champion_entry": "Champion entry", "active": "Account active", "status": "Status",
	"waiting_list_position": "Place on the waiting list", "phrases": "Words that mean the same",
	"retired_at": "Retired", "uses": "Used by", "starts_at": "Starts", "ends_at": "Ends", "venue": "Venue",
	"online_url": "Online link", "capacity": "Places", "booking_closes": "Booking closes",
	"cancelled_at": "Cancelled", "course": "Course", "programme": "Programme", "level": "Level",
	"delivery": "How it is delivered", "audience": "Who it is for", "duration": "Duration",
	"provider": "Provider", "withdrawn": "Withdrawn", "topics": "Topics", "url": "Link", "owner": "Owner",
	"file": "File", "places": "Places", "postcodes": "Postcode districts", "purpose": "Purpose",
	"resolution_note": "Note on what was done", "site_name": "Site name", "council_name": "Council name",
	"helpline_name": "Helpline name", "helpline_number": "Helpline number", "helpline_hours": "Helpline hours",
	"quick_exit_url": "Exit this page goes to", "banner": "Banner", "two_factor": "Two-factor sign-in",
	"value": "Value",
}

// valueWords are the words for stored codes, by key.
var valueWords = map[string]map[string]string{
	"visibility": {"public": "Everyone", "staff": "Staff only"},
	"status": {"booked": "Booked", "waitlisted": "On the waiting list", "cancelled": "Cancelled",
		"attended": "Attended", "no_show": "Did not attend", "open": "Open", "in_progress": "In progress",
		"resolved": "Resolved", "dismissed": "Dismissed"},
	"role": {"admin": "Administrator", "champion": "Housing domestic abuse champion",
		"housing_staff": "Housing staff", "rsl_officer": "RSL officer"},
	"referral_route": {"self": "People can refer themselves", "professional": "A professional refers",
		"both": "Self or professional referral"},
}

// Label is what a person calls key of entityType.
func (l Labels) Label(entityType, key string) string {
	if s := l[entityType][key]; s != "" {
		return s
	}
	if s := commonLabels[key]; s != "" {
		return s
	}
	s := strings.ReplaceAll(key, "_", " ")
	if s == "" {
		return key
	}
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[n:]
}

// maxShownRunes bounds one shown value: the page wraps long values rather than cutting them,
// but a value is never longer than a form allows, and this keeps a malformed event finite.
const maxShownRunes = 20000

// Present is the change an event made, in words: the fields whose values differ between
// before and after, labelled, without internal fields or secrets, in the order of the keys'
// labels.
func (l Labels) Present(entityType string, before, after []byte) []FieldChange {
	b, a := decodeObject(before), decodeObject(after)
	keys := make([]string, 0, len(b)+len(a))
	for k := range b {
		keys = append(keys, k)
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			keys = append(keys, k)
		}
	}
	var out []FieldChange
	for _, k := range keys {
		if Hidden(k) {
			continue
		}
		bv, bok := b[k]
		av, aok := a[k]
		bv, av = stripSecrets(bv), stripSecrets(av)
		if bok == aok && reflect.DeepEqual(bv, av) {
			continue
		}
		c := FieldChange{Key: k, Label: l.Label(entityType, k), Before: l.value(entityType, k, bv, bok), After: l.value(entityType, k, av, aok)}
		if !c.Before.Present && !c.After.Present {
			continue
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(x, y FieldChange) int { return strings.Compare(x.Label, y.Label) })
	return out
}

var (
	dateOnly  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	timestamp = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}`)
	digits    = regexp.MustCompile(`^\+?\d{3,15}$`)
)

// value writes one recorded value as the site writes it.
func (l Labels) value(entityType, key string, v any, present bool) Value {
	if !present || v == nil {
		return Value{}
	}
	switch x := v.(type) {
	case []any:
		out := Value{Present: true, IsList: true}
		for _, item := range x {
			if s := l.item(entityType, key, item); s != "" {
				out.List = append(out.List, s)
			}
		}
		return out
	case map[string]any:
		out := Value{Present: true, IsList: true}
		ks := make([]string, 0, len(x))
		for k := range x {
			if !Hidden(k) {
				ks = append(ks, k)
			}
		}
		slices.Sort(ks)
		for _, k := range ks {
			if s := l.item(entityType, k, x[k]); s != "" {
				out.List = append(out.List, l.Label(entityType, k)+": "+s)
			}
		}
		return out
	}
	return Value{Present: true, Text: clip(l.scalar(key, v))}
}

// item is one element of a list: a phone ({label, number}) as "Label: 01632 960301", another
// object as its fields, a scalar as text.
func (l Labels) item(entityType, key string, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case map[string]any:
		if num, ok := x["number"].(string); ok {
			lab, _ := x["label"].(string)
			if lab = strings.TrimSpace(lab); lab != "" {
				return lab + ": " + phone.Display(num)
			}
			return phone.Display(num)
		}
		ks := make([]string, 0, len(x))
		for k := range x {
			if !Hidden(k) {
				ks = append(ks, k)
			}
		}
		slices.Sort(ks)
		var parts []string
		for _, k := range ks {
			if s := l.item(entityType, k, x[k]); s != "" {
				parts = append(parts, l.Label(entityType, k)+": "+s)
			}
		}
		return clip(strings.Join(parts, "; "))
	case []any:
		var parts []string
		for _, y := range x {
			if s := l.item(entityType, key, y); s != "" {
				parts = append(parts, s)
			}
		}
		return clip(strings.Join(parts, ", "))
	}
	return clip(l.scalar(key, v))
}

// scalar is a string, number or yes/no as text: stored codes in words, phone numbers spaced,
// dates and times in the GOV.UK style, in UK time.
func (l Labels) scalar(key string, v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return "Yes"
		}
		return "No"
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		if w, ok := valueWords[key][x]; ok {
			return w
		}
		switch {
		case dateOnly.MatchString(x):
			if d, err := time.ParseInLocation(time.DateOnly, x, uktime.London); err == nil {
				return uktime.Date(d)
			}
		case timestamp.MatchString(x):
			if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
				return uktime.DateTime(t)
			}
		case isPhoneKey(key) && digits.MatchString(x):
			return phone.Display(strings.TrimPrefix(x, "+"))
		}
		return x
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

func isPhoneKey(key string) bool {
	return strings.Contains(key, "phone") || strings.Contains(key, "number")
}

func clip(s string) string {
	if utf8.RuneCountInString(s) > maxShownRunes {
		return string([]rune(s)[:maxShownRunes-1]) + "…"
	}
	return s
}

// FieldLabels are the labels of an entity type's recorded keys, for a message that names them.
func (s *Store) FieldLabels(entityType string, keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = s.labels.Label(entityType, k)
	}
	return out
}
