//! espeak-ng through its C API, in synchronous mode: PCM comes back through a callback on the
//! calling thread, chunk by chunk, and the callback can stop it.
//!
//! The FFI is written here rather than taken from `espeakng-sys`: that crate generates its
//! bindings with bindgen, which needs libclang on every build machine, for the nine functions
//! below; and the safe `espeakng` wrapper (on an older `-sys`) only returns whole utterances,
//! cannot stop one midway and aborts the process when its callback panics. The declarations
//! follow Debian's `espeak-ng/espeak_ng.h` and `speak_lib.h` (espeak-ng 1.51); every function
//! is exercised by the tests (a real render in each language).
//!
//! espeak-ng keeps one global engine per process. All calls go through one mutex, so any
//! number of [`Espeak`] handles (on any threads) take turns.

use std::cell::Cell;
use std::ffi::{CStr, CString, c_char, c_int, c_uint, c_void};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use crate::{Flow, Params, RATE_MAX, RATE_MIN, SpeechError, Synth, Utterance, Voice};

/// `espeak_ng_STATUS` (`ENS_OK` is 0).
type Status = c_uint;
/// `t_espeak_callback`: `int (short *wav, int numsamples, espeak_EVENT *events)`.
type Callback = unsafe extern "C" fn(*mut i16, c_int, *mut c_void) -> c_int;

const ENS_OK: Status = 0;
/// `ENOUTPUT_MODE_SYNCHRONOUS`: no audio device of its own; PCM to the callback.
const ENOUTPUT_MODE_SYNCHRONOUS: c_uint = 0x0001;
/// `espeakRATE`, `espeakVOLUME` of `espeak_PARAMETER`.
const ESPEAK_RATE: c_uint = 1;
const ESPEAK_VOLUME: c_uint = 2;
/// `POS_CHARACTER` of `espeak_POSITION_TYPE`.
const POS_CHARACTER: c_uint = 1;
/// `espeakCHARS_UTF8`.
const CHARS_UTF8: c_uint = 1;
/// Milliseconds of audio per callback: small chunks let speech start sooner.
const CHUNK_MS: c_int = 20;

#[link(name = "espeak-ng")]
unsafe extern "C" {
    fn espeak_ng_InitializePath(path: *const c_char);
    fn espeak_ng_Initialize(context: *mut *mut c_void) -> Status;
    fn espeak_ng_InitializeOutput(
        mode: c_uint,
        buffer_length: c_int,
        device: *const c_char,
    ) -> Status;
    fn espeak_ng_GetSampleRate() -> c_int;
    fn espeak_SetSynthCallback(callback: Option<Callback>);
    fn espeak_ng_SetVoiceByName(name: *const c_char) -> Status;
    fn espeak_ng_SetParameter(parameter: c_uint, value: c_int, relative: c_int) -> Status;
    fn espeak_ng_Synthesize(
        text: *const c_void,
        size: usize,
        position: c_uint,
        position_type: c_uint,
        end_position: c_uint,
        flags: c_uint,
        unique_identifier: *mut c_uint,
        user_data: *mut c_void,
    ) -> Status;
    fn espeak_ng_GetStatusCodeMessage(status: Status, buffer: *mut c_char, length: usize);
}

/// The process's engine, once started.
struct Engine {
    sample_rate: u32,
    data_dir: Option<PathBuf>,
    voice: Option<Voice>,
    rate: Option<u32>,
}

static ENGINE: Mutex<Option<Engine>> = Mutex::new(None);

fn lock() -> MutexGuard<'static, Option<Engine>> {
    // A panic while holding the lock leaves the engine as it was: keep using it.
    ENGINE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn error(status: Status) -> SpeechError {
    let mut buf = [0 as c_char; 256];
    // SAFETY: the buffer is writable for its whole length; espeak-ng writes a NUL-terminated
    // message of at most `length` bytes.
    unsafe { espeak_ng_GetStatusCodeMessage(status, buf.as_mut_ptr(), buf.len()) };
    // SAFETY: the buffer is NUL-terminated (zeroed, and espeak-ng terminates what it writes).
    let message = unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned();
    SpeechError::Engine { status, message }
}

fn check(status: Status) -> Result<(), SpeechError> {
    if status == ENS_OK {
        Ok(())
    } else {
        Err(error(status))
    }
}

/// The chunk callback of the synthesis running on this thread.
type ChunkFn = dyn FnMut(&[i16]) -> Flow;

thread_local! {
    /// Set only for the duration of one `espeak_ng_Synthesize` call on this thread.
    static CURRENT: Cell<Option<*mut ChunkFn>> = const { Cell::new(None) };
    static STOPPED: Cell<bool> = const { Cell::new(false) };
}

unsafe extern "C" fn on_chunk(wav: *mut i16, samples: c_int, _events: *mut c_void) -> c_int {
    let Some(f) = CURRENT.with(Cell::get) else {
        return 1;
    };
    if wav.is_null() || samples <= 0 {
        return 0;
    }
    // SAFETY: espeak-ng hands `samples` valid samples at `wav` for the duration of the call.
    let pcm = unsafe { std::slice::from_raw_parts(wav, samples as usize) };
    // SAFETY: `f` points to the closure `synthesize` borrows for the whole synthesis; it is
    // called only from inside that synthesis, on the same thread, never re-entrantly.
    let f = unsafe { &mut *f };
    let flow = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(pcm)));
    match flow {
        Ok(Flow::Continue) => 0,
        Ok(Flow::Stop) | Err(_) => {
            STOPPED.with(|s| s.set(true));
            1
        }
    }
}

/// Clears the thread's callback when the synthesis ends (also on unwinding).
struct CallbackGuard;

impl Drop for CallbackGuard {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(None));
    }
}

/// The espeak-ng engine (one per process, shared by every handle).
pub struct Espeak {
    sample_rate: u32,
}

impl Espeak {
    /// Starts the engine (once per process) with the data in `data_dir`, or espeak-ng's own
    /// (`/usr/lib/…/espeak-ng-data`) when `None`. Later calls return a handle to the same
    /// engine; asking for another data folder then is an error.
    pub fn new(data_dir: Option<&Path>) -> Result<Espeak, SpeechError> {
        let mut engine = lock();
        if let Some(e) = engine.as_ref() {
            if data_dir.is_some() && e.data_dir.as_deref() != data_dir {
                return Err(SpeechError::Init(format!(
                    "espeak-ng already runs with data from {:?}",
                    e.data_dir
                )));
            }
            return Ok(Espeak {
                sample_rate: e.sample_rate,
            });
        }
        let path = data_dir
            .map(|p| CString::new(p.as_os_str().as_encoded_bytes()))
            .transpose()
            .map_err(|_| SpeechError::Init("the data folder's path has a NUL byte".into()))?;
        // SAFETY: the path is NUL-terminated and outlives the call (or null: the default);
        // the engine is started once, under the lock.
        let sample_rate = unsafe {
            espeak_ng_InitializePath(path.as_ref().map_or(std::ptr::null(), |p| p.as_ptr()));
            check(espeak_ng_Initialize(std::ptr::null_mut()))
                .map_err(|e| SpeechError::Init(e.to_string()))?;
            check(espeak_ng_InitializeOutput(
                ENOUTPUT_MODE_SYNCHRONOUS,
                CHUNK_MS,
                std::ptr::null(),
            ))
            .map_err(|e| SpeechError::Init(e.to_string()))?;
            espeak_SetSynthCallback(Some(on_chunk));
            check(espeak_ng_SetParameter(ESPEAK_VOLUME, 100, 0))?;
            espeak_ng_GetSampleRate()
        };
        let sample_rate = u32::try_from(sample_rate)
            .ok()
            .filter(|r| *r > 0)
            .ok_or_else(|| SpeechError::Init(format!("sample rate {sample_rate}")))?;
        *engine = Some(Engine {
            sample_rate,
            data_dir: data_dir.map(Path::to_owned),
            voice: None,
            rate: None,
        });
        tracing::info!(sample_rate, "espeak-ng started");
        Ok(Espeak { sample_rate })
    }
}

impl Synth for Espeak {
    fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    fn synthesize(
        &mut self,
        u: &Utterance,
        params: Params,
        chunk: &mut dyn FnMut(&[i16]) -> Flow,
    ) -> Result<bool, SpeechError> {
        let text = CString::new(u.text.as_str()).map_err(|_| SpeechError::NulInText)?;
        let mut guard = lock();
        let Some(engine) = guard.as_mut() else {
            return Err(SpeechError::Init("espeak-ng is not started".into()));
        };
        if engine.voice != Some(u.lang) {
            let name = CString::new(u.lang.code()).map_err(|_| SpeechError::NulInText)?;
            // SAFETY: NUL-terminated name; the engine is started and locked.
            check(unsafe { espeak_ng_SetVoiceByName(name.as_ptr()) })?;
            engine.voice = Some(u.lang);
        }
        let rate = params.rate_wpm.clamp(RATE_MIN, RATE_MAX);
        if engine.rate != Some(rate) {
            // SAFETY: a plain parameter; the engine is started and locked.
            check(unsafe { espeak_ng_SetParameter(ESPEAK_RATE, rate as c_int, 0) })?;
            engine.rate = Some(rate);
        }
        // SAFETY (lifetime): the pointer stored in CURRENT is cleared by the guard before
        // `chunk` goes out of scope, and the callback only runs inside the call below.
        let f: *mut ChunkFn = unsafe {
            std::mem::transmute::<*mut (dyn FnMut(&[i16]) -> Flow + '_), *mut ChunkFn>(chunk)
        };
        CURRENT.with(|c| c.set(Some(f)));
        STOPPED.with(|s| s.set(false));
        let _clear = CallbackGuard;
        let bytes = text.as_bytes_with_nul();
        // SAFETY: `text` is NUL-terminated UTF-8 of `bytes.len()` bytes and lives until the
        // call returns (synchronous mode: the call returns when synthesis is over).
        let status = unsafe {
            espeak_ng_Synthesize(
                bytes.as_ptr().cast(),
                bytes.len(),
                0,
                POS_CHARACTER,
                0,
                CHARS_UTF8,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            )
        };
        let stopped = STOPPED.with(Cell::get);
        if stopped {
            return Ok(false);
        }
        check(status)?;
        Ok(true)
    }
}
