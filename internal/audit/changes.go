package audit

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Change is one field that differs between an event's before and after, as text to show.
type Change struct {
	Field  string
	Before string // "" with HadBefore false: the field was not there (or null)
	After  string
	// HadBefore and HasAfter tell an empty value from no value at all.
	HadBefore, HasAfter bool
}

// maxValueRunes bounds a value shown in a change: long descriptions are cut.
const maxValueRunes = 200

// Changes compares an event's before and after (JSON objects, either may be absent) and
// returns the fields whose values differ, by name. Fields whose names suggest a secret
// (password, token, secret) are left out at any depth, though none should ever be stored.
func Changes(before, after []byte) []Change {
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
	slices.Sort(keys)
	var out []Change
	for _, k := range keys {
		if isSecret(k) {
			continue
		}
		bv, bok := b[k]
		av, aok := a[k]
		bv, av = stripSecrets(bv), stripSecrets(av)
		if bok == aok && reflect.DeepEqual(bv, av) {
			continue
		}
		c := Change{Field: k}
		c.Before, c.HadBefore = show(bv, bok)
		c.After, c.HasAfter = show(av, aok)
		if !c.HadBefore && !c.HasAfter { // missing on one side, null on the other: no change
			continue
		}
		out = append(out, c)
	}
	return out
}

// decodeObject reads a JSON object; anything else (an array, a scalar) is shown as "value".
func decodeObject(raw []byte) map[string]any {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil || v == nil {
		return nil
	}
	if m, ok := v.(map[string]any); ok {
		return m
	}
	return map[string]any{"value": v}
}

func isSecret(key string) bool {
	k := strings.ToLower(key)
	return strings.Contains(k, "password") || strings.Contains(k, "token") || strings.Contains(k, "secret")
}

// stripSecrets removes secret-looking keys from nested objects.
func stripSecrets(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			if !isSecret(k) {
				out[k] = stripSecrets(val)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = stripSecrets(val)
		}
		return out
	}
	return v
}

// show is a value as text: strings as they are, other values as compact JSON, cut to
// maxValueRunes. A missing or null value is ("", false).
func show(v any, present bool) (string, bool) {
	if !present || v == nil {
		return "", false
	}
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = x.String()
	case bool:
		s = strconv.FormatBool(x)
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return "", false
		}
		s = string(b)
	}
	if utf8.RuneCountInString(s) > maxValueRunes {
		s = string([]rune(s)[:maxValueRunes-1]) + "…"
	}
	return s, true
}

// actionWords are the events known today, in words.
var actionWords = map[string]string{
	"auth.sign_in":        "Signed in",
	"auth.sign_in_failed": "Failed to sign in",
	"auth.sign_out":       "Signed out",
	"user.create":         "Created a user account",
}

var verbWords = map[string]string{
	"create": "Created", "add": "Added", "update": "Updated", "edit": "Edited", "delete": "Deleted",
	"remove": "Removed", "archive": "Archived", "restore": "Restored", "revert": "Reverted",
	"confirm": "Confirmed the details of", "review": "Confirmed the details of", "deactivate": "Deactivated",
	"activate": "Reactivated", "book": "Booked", "cancel": "Cancelled",
}

var entityWords = map[string]string{
	"agency": "organisation", "contact": "contact", "user": "user account", "course": "course",
	"session": "training session", "booking": "booking", "resource": "resource", "area": "area",
	"category": "category", "audience": "audience", "settings": "site settings", "site_settings": "site settings",
}

// Describe says what an action ("contact.update") did, in words ("Updated contact").
func Describe(action string) string {
	if w, ok := actionWords[action]; ok {
		return w
	}
	entity, verb, ok := strings.Cut(action, ".")
	if !ok {
		return strings.ReplaceAll(action, "_", " ")
	}
	noun, ok := entityWords[entity]
	if !ok {
		noun = strings.ReplaceAll(entity, "_", " ")
	}
	if v, ok := verbWords[verb]; ok {
		return v + " " + noun
	}
	return strings.ToUpper(noun[:1]) + noun[1:] + ": " + strings.ReplaceAll(verb, "_", " ")
}

// What is the event's action in words.
func (e Entry) What() string { return Describe(e.Action) }

// Who names the actor; an event without one was done by the system, or (a failed sign-in)
// by someone not recognised.
func (e Entry) Who() string {
	switch {
	case e.ActorID != 0 && e.ActorName != "":
		return e.ActorName
	case e.ActorID != 0:
		return "User " + strconv.FormatInt(e.ActorID, 10)
	case strings.HasPrefix(e.Action, "auth."):
		return "Unknown"
	}
	return "System"
}

// Entity names what the event is about ("Contact: Duty line"); the organisation, when there
// is one, is shown beside it. It is "" when the entity is the organisation itself.
func (e Entry) Entity() string {
	noun, ok := entityWords[e.EntityType]
	if !ok {
		noun = strings.ReplaceAll(e.EntityType, "_", " ")
	}
	if noun == "" {
		return ""
	}
	noun = strings.ToUpper(noun[:1]) + noun[1:]
	switch {
	case e.EntityType == "agency" && e.AgencySlug != "":
		return ""
	case e.EntityType == "user" && e.EntityID != 0 && e.EntityID == e.ActorID && strings.HasPrefix(e.Action, "auth."):
		return "" // signing in or out: the account is the person in "Who"
	case e.EntityName != "":
		return noun + ": " + e.EntityName
	case e.EntityID != 0:
		return noun + " " + strconv.FormatInt(e.EntityID, 10)
	}
	return noun
}
