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

The audio's text alternative (WCAG 1.2.1) is written from the same weeks:
media/winter-weeks.txt, in each story's language, says what is heard and,
week by week, its dates, its recorded trips and its tone.

Run from the repository's root:

    python3 scripts/example-media-winter-audio.py [--transcripts-only]

Writes media/winter-weeks.mp3 (unless --transcripts-only) and
media/winter-weeks.txt into stories/unterwegs-ohne-auto and
stories/getting-around-without-a-car, and prints each week's tone.
"""

import json
import math
import os
import struct
import subprocess
import sys
import tempfile
import wave

STORIES = ["stories/unterwegs-ohne-auto", "stories/getting-around-without-a-car"]
LANG = {"stories/unterwegs-ohne-auto": "de", "stories/getting-around-without-a-car": "en"}
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


MONTHS = {
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
           "September", "Oktober", "November", "Dezember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
}


def number(x, lang, decimals=0):
    """`x` as the story's language writes it: de 1.234,5, en 1,234.5."""
    text = f"{x:,.{decimals}f}"
    if lang == "de":
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return text


def days(von, bis, lang):
    """A week's window: "22. bis 28. Januar 2023" / "22 to 28 January 2023"."""
    (y1, m1, d1), (y2, m2, d2) = ([int(p) for p in d.split("-")] for d in (von, bis))
    month = MONTHS[lang]
    if lang == "de":
        first = f"{d1}." if m1 == m2 else f"{d1}. {month[m1 - 1]}"
        return f"{first} bis {d2}. {month[m2 - 1]} {y2}"
    first = f"{d1}" if m1 == m2 else f"{d1} {month[m1 - 1]}"
    return f"{first} to {d2} {month[m2 - 1]} {y2}"


def transcript(rows, lang):
    """What the audio lets readers hear, as text, from the same weeks."""
    freqs = [r["anzahl"] * HZ_PER_TRIP for r in rows]
    low, high = freqs.index(min(freqs)), freqs.index(max(freqs))
    if lang == "de":
        lines = [
            "Die acht Winterwochen als Töne – Transkript",
            "",
            "Im Audio spricht niemand. Nach einer kurzen Stille erklingen acht Töne,",
            f"einer je Woche, jeder {number(TONE, lang, 1)} Sekunden lang, mit einer kurzen Pause",
            "dazwischen. Die Höhe eines Tons steht für die Fahrten, die die App DB Rad+",
            "in der Woche in der Altstadt und der HafenCity erfasst hat:",
            f"{number(HZ_PER_TRIP * 1000, lang)} Hertz je 1.000 Fahrten. Doppelt so viele Fahrten",
            "klingen eine Oktave höher.",
            "",
        ]
        for i, (r, f) in enumerate(zip(rows, freqs)):
            change = "" if i == 0 else (
                ", höher als der Ton davor" if f > freqs[i - 1] else ", tiefer als der Ton davor")
            lines.append(f"Ton {i + 1}, Woche vom {days(r['von'], r['bis'], lang)}: "
                         f"{number(r['anzahl'], lang)} Fahrten, {number(f, lang, 1)} Hertz{change}.")
        lines += [
            "",
            f"Am tiefsten klingt Ton {low + 1}, am höchsten Ton {high + 1}.",
            "",
            "Redaktion twinstory, aus den DB-Rad+-Daten der Behörde für Verkehr und",
            "Mobilitätswende (dl-de/by-2-0) erzeugt von",
            "scripts/example-media-winter-audio.py, CC BY 4.0.",
        ]
    else:
        lines = [
            "The eight winter weeks as tones – transcript",
            "",
            "Nobody speaks in the audio. After a short silence, eight tones sound,",
            f"one per week, each {number(TONE, lang, 1)} seconds long, with a short pause between",
            "them. The pitch of a tone stands for the trips the DB Rad+ app recorded",
            f"in Altstadt and HafenCity that week: {number(HZ_PER_TRIP * 1000, lang)} hertz per 1,000",
            "trips. Twice the trips sound an octave higher.",
            "",
        ]
        for i, (r, f) in enumerate(zip(rows, freqs)):
            change = "" if i == 0 else (
                ", higher than the tone before" if f > freqs[i - 1] else ", lower than the tone before")
            lines.append(f"Tone {i + 1}, the week of {days(r['von'], r['bis'], lang)}: "
                         f"{number(r['anzahl'], lang)} trips, {number(f, lang, 1)} hertz{change}.")
        lines += [
            "",
            f"Tone {low + 1} is the lowest, tone {high + 1} the highest.",
            "",
            "twinstory newsroom, made from the DB Rad+ data of the Behörde für Verkehr",
            "und Mobilitätswende (dl-de/by-2-0) by scripts/example-media-winter-audio.py,",
            "CC BY 4.0.",
        ]
    return "\n".join(lines) + "\n"


def main():
    rows = weeks(os.path.join(STORIES[0], "data", "dbrad-weeks.geojson"))
    for story in STORIES:
        out = os.path.join(story, "media", "winter-weeks.txt")
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "w", encoding="utf-8") as f:
            f.write(transcript(rows, LANG[story]))
        print(f"{out}: {os.path.getsize(out)} B")
    if "--transcripts-only" in sys.argv[1:]:
        return
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
