// Package uktime holds the one time zone the service lives in. Times are stored in UTC and
// shown, and dates compared, in Europe/London.
package uktime

import (
	"time"
	_ "time/tzdata" // Europe/London must load on a machine without zoneinfo files
)

// London is Europe/London, from the zone data embedded in the binary.
var London = func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err) // cannot happen: time/tzdata is embedded
	}
	return loc
}()
