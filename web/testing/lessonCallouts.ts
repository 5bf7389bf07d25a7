/** What each lesson's callouts must say, in order, keyed by the lesson file's number: shared by the Node and the browser tests. */

export const EXPECTED: Record<string, RegExp[]> = {
  '01': [/^PI_ON arrived at 1\.016 s: .*Pi 1's load switch and the port now reads 5\.\d\d V/, /^PI_FORCE_OFF arrived at 20\.005 s, only 18\.989 s after power-on: .*Pi 1 lost power while booting/,
    /^Pi 0 finished booting at 26\.005 s, 25 s after/, /^At 60\.005 s PI_FORCE_OFF cut Pi 0 too \(cause: force\)/],
  '02': [/first heartbeat at 26\.005 s, 25 s after power-on.*HBT_TIME \(15 s\)/, /^Pi 0 crashed at 60 s\. Its last heartbeat was at 57\.205 s/,
    /^The watchdog fired 15 s after the last heartbeat at 57\.205 s: HBT_TIME is 15 s\. It fired 12\.205 s after the crash\.$/,
    /for 5 s .*back on at 77\.205 s/, /^Power is back at 77\.205 s\..*HBT_DELAY \(90 s\)/, /heartbeats again at 102\.205 s/],
  '03': [/^Power on at 1\.005 s\..*due by 91\.005 s \(HBT_DELAY 90 s\)/, /fired 90 s after power-on \(HBT_DELAY is 90 s; heartbeats so far: 0\)/,
    /^Power is back at 96\.005 s, 5 s after the cut: a new grace period, due by 186\.005 s/, /fired 90 s after power-on/],
  '04': [/^PI_OFF arrived at 60\.005 s: .*SIG_WIDTH \(0\.2 s\)\. It will remove power at 90\.005 s \(OFF_DELAY 30 s/, /^Pi 0 halted at 68\.005 s, 8 s after the pulse/,
    /^Power removed at 90\.005 s, 30 s after the pulse \(cause: graceful\)/],
  '05': [/^At 60 s Pi 0 pulled .* cut power at 80 s \(SIG_OFF_DELAY 20 s\)/, /^Pi 0 halted at 68 s, 8 s after its request/, /^Power removed at 80 s, 20 s after the request \(cause: pi-initiated\)/],
  '06': [/^Pi 1 shorted at 60 s: the load \(6\.\d\d A\) is above the regulator's 5\.0 A limit, so the shared 5 V rail collapsed to 0\.00 V\. Pi 0's port now reads 0\.00 V/,
    /Pi 0 lost power while running/, /retries every 1 s, and this retry at 63 s held: the rail is back at 5\.\d\d V/, /^Pi 0 booted again at 88 s/],
  '07': [/^At 60 s the input fell to 5\.00 V, below the regulator's UVLO \(6\.0 V\): the 5 V rail is off, at 0\.00 V/, /lost power at 60 s/, /Pi 0 booted again at 87 s/,
    /^At 120 s the input is down to 3\.50 V/, /MCU booted at 122 s \(boot count 2\)/],
  '08': [/^Board 0 answered PI_ON with error 0x14 at 1\.01\d s/, /^Nobody answered GET_SW_VERSION to ID 9: no board has ID 0x09/, /^GET_ERROR_COUNT answered at 5\.01\d s/],
  '09': [/^At 5 s board 1/, /^Collision at 6\.01\d? s \(number 1\).*ID 0/, /^Collision at 6\.01\d? s \(number 2\)/, /no clean reply to GET_SW_VERSION: 2 boards answer to 0x00/],
  '10': [/HBT_DELAY set to 20 s, .*fired 20 s after power-on/, /^At 30 s the MCU booted, found the config block's CRC wrong .*HBT_DELAY is now 90 s/, /waited the default 90 s: it fired 90 s after power-on/],
  '11': [/^At 41\.006 s the board lost its input in the middle of writing its config block/, /Pi 0 lost power with the board, while running/, /never got its reply: the board's MCU had no power/,
    /MCU booted again at 41\.106 s \(boot count 2\)/],
};

/** Which callout (index) is each lesson's key moment, screenshot by the browser test (default the first). */
export const KEY_MOMENT: Record<string, number> = { '02': 2, '03': 1, '04': 2, '06': 0, '07': 3, '09': 1, '10': 1, '11': 0 };
