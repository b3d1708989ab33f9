package validate

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Dates people type use the GOV.UK date input: three boxes, day, month and year, sent as
// <name>-day, <name>-month and <name>-year (and, for a date with a time, <name>-time, an
// HH:MM box). JoinDate puts them back into the one logical field <name>, so feature packages
// read a single value; a client that sends the single field itself (tests, the API, an old
// page) is read as before, as YYYY-MM-DD or D/M/YYYY.

// JoinDate sets v[name] from the date boxes of name, when any of them was sent and the single
// field was not (a browser's form has no field of that name, so a client that sends it
// means it).
func JoinDate(v url.Values, name string) {
	if v.Has(name) {
		return
	}
	_, hasD := v[name+"-day"]
	_, hasM := v[name+"-month"]
	_, hasY := v[name+"-year"]
	if !hasD && !hasM && !hasY {
		return
	}
	d := strings.TrimSpace(v.Get(name + "-day"))
	m := strings.TrimSpace(v.Get(name + "-month"))
	y := strings.TrimSpace(v.Get(name + "-year"))
	clock := strings.TrimSpace(v.Get(name + "-time"))
	joined := ""
	if d != "" || m != "" || y != "" {
		joined = d + "/" + m + "/" + y
	}
	if clock != "" {
		joined += " " + clock
	}
	v.Set(name, strings.TrimSpace(joined))
}

// DateParts splits a date value as JoinDate or a stored date writes it (D/M/YYYY,
// YYYY-MM-DD, either followed by a time after a space or T) into the boxes of the date input,
// so a form shows back what was typed.
func DateParts(value string) (day, month, year, clock string) {
	value = strings.TrimSpace(value)
	date := value
	if i := strings.IndexAny(value, " T"); i >= 0 {
		date, clock = value[:i], strings.TrimSpace(value[i+1:])
	}
	if p := strings.Split(date, "/"); len(p) == 3 {
		return p[0], p[1], p[2], clock
	}
	if p := strings.Split(date, "-"); len(p) == 3 && len(p[0]) == 4 {
		return strings.TrimLeft(p[2], "0"), strings.TrimLeft(p[1], "0"), p[0], clock
	}
	return date, "", "", clock // something else: shown in the first box, not lost
}

// DateMissing lists the boxes of a date value that are empty ("day", "month", "year"); all
// three when there is no value at all.
func DateMissing(value string) []string {
	d, m, y, _ := DateParts(value)
	var out []string
	for _, p := range [][2]string{{"day", d}, {"month", m}, {"year", y}} {
		if strings.TrimSpace(p[1]) == "" {
			out = append(out, p[0])
		}
	}
	return out
}

// Date reads a date typed into a date input (or sent as YYYY-MM-DD or D/M/YYYY) and, if it is
// not a real date, records the GOV.UK message for it: "Enter the date of the next review",
// "The date of the next review must include a month", "... must be a real date". label is
// as it reads inside a sentence ("the date of the next review"). The date is midnight UTC of
// that day.
func (e *Errors) Date(field, label, value string, required bool) (time.Time, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		if required {
			e.Add(field, "Enter "+label)
		}
		return time.Time{}, false
	}
	if missing := DateMissing(value); len(missing) > 0 && len(missing) < 3 {
		e.Add(field, upperFirst(label)+" must include a "+strings.Join(missing, " and "))
		return time.Time{}, false
	}
	d, m, y, _ := DateParts(value)
	day, err1 := strconv.Atoi(d)
	month, err2 := strconv.Atoi(m)
	year, err3 := strconv.Atoi(y)
	switch {
	case err1 != nil || err2 != nil || err3 != nil || month < 1 || month > 12 || day < 1 || day > 31:
		e.Add(field, upperFirst(label)+" must be a real date")
		return time.Time{}, false
	case len(y) != 4:
		e.Add(field, "Year must include 4 numbers")
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day { // 31 June rolls over to 1 July: not a real date
		e.Add(field, upperFirst(label)+" must be a real date")
		return time.Time{}, false
	}
	return t, true
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
