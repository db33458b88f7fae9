#!/usr/bin/env python3
"""Makes the example stories' audio "Die acht Winterwochen als Töne" /
"The eight winter weeks as tones": a sonification of the DB Rad+ trips
recorded in Altstadt and HafenCity in the eight weeks from 22 January to
18 March 2023, the weeks the step "Acht Wochen im Winter" plays.

One tone per week, in order, 0.5 s each with a short pause between. The
pitch is proportional to the week's recorded trips (the sum of `anzahl`
over the week's segments, as `data/dbrad-weeks.geojson` holds it): 110 Hz
per 1,000 trips, so twice the trips sound an octave higher. No voice, no
other sound. Written as a WAV with Python's `wave` module, then encoded to
MP3 (mono, 64 kbit/s) by ffmpeg (Debian: apt-get install ffmpeg).

Run from the repository's root:

    python3 scripts/example-media-winter-audio.py

Writes media/winter-weeks.mp3 into stories/unterwegs-ohne-auto and
stories/getting-around-without-a-car, and prints each week's tone.
"""

import json
import math
import os
import struct
import subprocess
import tempfile
import wave

STORIES = ["stories/unterwegs-ohne-auto", "stories/getting-around-without-a-car"]
FIRST, LAST = "2023-01-22", "2023-03-12"  # the `von` of the first and last week
HZ_PER_TRIP = 110 / 1000
RATE = 22050
TONE, PAUSE, LEAD = 0.5, 0.15, 0.2  # seconds


def weeks(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    rows = [f["properties"] for f in data["features"]]
    rows = [r for r in rows if FIRST <= r["von"] <= LAST]
    rows.sort(key=lambda r: r["von"])
    assert len(rows) == 8, f"eight weeks, found {len(rows)}"
    return rows


def tone(freq):
    """A soft tone: the frequency with a quieter octave, faded in and out."""
    n = int(TONE * RATE)
    out = []
    for i in range(n):
        t = i / RATE
        env = min(1.0, t / 0.02, (TONE - t) / 0.12)
        s = math.sin(2 * math.pi * freq * t) + 0.25 * math.sin(4 * math.pi * freq * t)
        out.append(0.45 * env * s / 1.25)
    return out


def main():
    rows = weeks(os.path.join(STORIES[0], "data", "dbrad-weeks.geojson"))
    samples = [0.0] * int(LEAD * RATE)
    for r in rows:
        freq = r["anzahl"] * HZ_PER_TRIP
        print(f"week from {r['von']}: {r['anzahl']} trips -> {freq:.1f} Hz")
        samples += tone(freq) + [0.0] * int(PAUSE * RATE)
    frames = b"".join(struct.pack("<h", int(max(-1, min(1, s)) * 32767)) for s in samples)
    with tempfile.TemporaryDirectory() as tmp:
        wav = os.path.join(tmp, "winter.wav")
        with wave.open(wav, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(frames)
        for story in STORIES:
            media = os.path.join(story, "media")
            os.makedirs(media, exist_ok=True)
            out = os.path.join(media, "winter-weeks.mp3")
            subprocess.run(
                ["ffmpeg", "-y", "-loglevel", "error", "-i", wav, "-c:a", "libmp3lame",
                 "-b:a", "64k", "-ac", "1", "-map_metadata", "-1", "-fflags", "+bitexact",
                 "-flags:a", "+bitexact", "-id3v2_version", "0", "-write_xing", "0", out],
                check=True,
            )
            print(f"{out}: {os.path.getsize(out)} B")


if __name__ == "__main__":
    main()
