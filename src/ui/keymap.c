/*
 * USB HID keyboard usages (HID Usage Tables 1.3, section 10, page 0x07) to
 * Linux evdev key codes (include/uapi/linux/input-event-codes.h). SDL2's
 * SDL_Scancode values are these usages, so the SDL frontend needs nothing
 * else, and this table is testable without SDL.
 */
#include "morph/display.h"

static const uint16_t hid_to_evdev[KEYMAP_HID_USAGES] = {
    [0x04] = 30,  /* A */
    [0x05] = 48,  /* B */
    [0x06] = 46,  /* C */
    [0x07] = 32,  /* D */
    [0x08] = 18,  /* E */
    [0x09] = 33,  /* F */
    [0x0a] = 34,  /* G */
    [0x0b] = 35,  /* H */
    [0x0c] = 23,  /* I */
    [0x0d] = 36,  /* J */
    [0x0e] = 37,  /* K */
    [0x0f] = 38,  /* L */
    [0x10] = 50,  /* M */
    [0x11] = 49,  /* N */
    [0x12] = 24,  /* O */
    [0x13] = 25,  /* P */
    [0x14] = 16,  /* Q */
    [0x15] = 19,  /* R */
    [0x16] = 31,  /* S */
    [0x17] = 20,  /* T */
    [0x18] = 22,  /* U */
    [0x19] = 47,  /* V */
    [0x1a] = 17,  /* W */
    [0x1b] = 45,  /* X */
    [0x1c] = 21,  /* Y */
    [0x1d] = 44,  /* Z */
    [0x1e] = 2,	  /* 1 */
    [0x1f] = 3,	  /* 2 */
    [0x20] = 4,	  /* 3 */
    [0x21] = 5,	  /* 4 */
    [0x22] = 6,	  /* 5 */
    [0x23] = 7,	  /* 6 */
    [0x24] = 8,	  /* 7 */
    [0x25] = 9,	  /* 8 */
    [0x26] = 10,  /* 9 */
    [0x27] = 11,  /* 0 */
    [0x28] = 28,  /* Enter */
    [0x29] = 1,	  /* Escape */
    [0x2a] = 14,  /* Backspace */
    [0x2b] = 15,  /* Tab */
    [0x2c] = 57,  /* Space */
    [0x2d] = 12,  /* - */
    [0x2e] = 13,  /* = */
    [0x2f] = 26,  /* [ */
    [0x30] = 27,  /* ] */
    [0x31] = 43,  /* \ */
    [0x32] = 43,  /* non-US # (the same key position as \ on ISO boards) */
    [0x33] = 39,  /* ; */
    [0x34] = 40,  /* ' */
    [0x35] = 41,  /* ` */
    [0x36] = 51,  /* , */
    [0x37] = 52,  /* . */
    [0x38] = 53,  /* / */
    [0x39] = 58,  /* Caps Lock */
    [0x3a] = 59,  /* F1 */
    [0x3b] = 60,  /* F2 */
    [0x3c] = 61,  /* F3 */
    [0x3d] = 62,  /* F4 */
    [0x3e] = 63,  /* F5 */
    [0x3f] = 64,  /* F6 */
    [0x40] = 65,  /* F7 */
    [0x41] = 66,  /* F8 */
    [0x42] = 67,  /* F9 */
    [0x43] = 68,  /* F10 */
    [0x44] = 87,  /* F11 */
    [0x45] = 88,  /* F12 */
    [0x46] = 99,  /* Print Screen: KEY_SYSRQ */
    [0x47] = 70,  /* Scroll Lock */
    [0x48] = 119, /* Pause */
    [0x49] = 110, /* Insert */
    [0x4a] = 102, /* Home */
    [0x4b] = 104, /* Page Up */
    [0x4c] = 111, /* Delete */
    [0x4d] = 107, /* End */
    [0x4e] = 109, /* Page Down */
    [0x4f] = 106, /* Right */
    [0x50] = 105, /* Left */
    [0x51] = 108, /* Down */
    [0x52] = 103, /* Up */
    [0x53] = 69,  /* Num Lock */
    [0x54] = 98,  /* / */
    [0x55] = 55,  /* * */
    [0x56] = 74,  /* - */
    [0x57] = 78,  /* + */
    [0x58] = 96,  /* Enter */
    [0x59] = 79,  /* keypad 1 */
    [0x5a] = 80,  /* keypad 2 */
    [0x5b] = 81,  /* keypad 3 */
    [0x5c] = 75,  /* keypad 4 */
    [0x5d] = 76,  /* keypad 5 */
    [0x5e] = 77,  /* keypad 6 */
    [0x5f] = 71,  /* keypad 7 */
    [0x60] = 72,  /* keypad 8 */
    [0x61] = 73,  /* keypad 9 */
    [0x62] = 82,  /* keypad 0 */
    [0x63] = 83,  /* . */
    [0x64] = 86,  /* non-US \ and |: KEY_102ND */
    [0x65] = 127, /* Application: KEY_COMPOSE */
    [0x66] = 116, /* Power */
    [0x67] = 117, /* keypad = */
    [0x68] = 183, /* F13 */
    [0x69] = 184, /* F14 */
    [0x6a] = 185, /* F15 */
    [0x6b] = 186, /* F16 */
    [0x6c] = 187, /* F17 */
    [0x6d] = 188, /* F18 */
    [0x6e] = 189, /* F19 */
    [0x6f] = 190, /* F20 */
    [0x70] = 191, /* F21 */
    [0x71] = 192, /* F22 */
    [0x72] = 193, /* F23 */
    [0x73] = 194, /* F24 */
    [0x75] = 138, /* Help */
    [0x76] = 139, /* Menu */
    [0x77] = 353, /* Select */
    [0x78] = 128, /* Stop */
    [0x79] = 129, /* Again */
    [0x7a] = 131, /* Undo */
    [0x7b] = 137, /* Cut */
    [0x7c] = 133, /* Copy */
    [0x7d] = 135, /* Paste */
    [0x7e] = 136, /* Find */
    [0x7f] = 113, /* Mute */
    [0x80] = 115, /* Volume Up */
    [0x81] = 114, /* Volume Down */
    [0x85] = 121, /* keypad , */
    [0x87] = 89,  /* International1: KEY_RO */
    [0x88] = 93,  /* International2: KEY_KATAKANAHIRAGANA */
    [0x89] = 124, /* International3: KEY_YEN */
    [0x8a] = 92,  /* International4: KEY_HENKAN */
    [0x8b] = 94,  /* International5: KEY_MUHENKAN */
    [0x90] = 122, /* LANG1: KEY_HANGEUL */
    [0x91] = 123, /* LANG2: KEY_HANJA */
    [0xe0] = 29,  /* Left Control */
    [0xe1] = 42,  /* Left Shift */
    [0xe2] = 56,  /* Left Alt */
    [0xe3] = 125, /* Left GUI: KEY_LEFTMETA */
    [0xe4] = 97,  /* Right Control */
    [0xe5] = 54,  /* Right Shift */
    [0xe6] = 100, /* Right Alt */
    [0xe7] = 126, /* Right GUI: KEY_RIGHTMETA */
};

uint16_t keymap_hid_to_evdev(unsigned usage)
{
	return usage < KEYMAP_HID_USAGES ? hid_to_evdev[usage] : 0;
}
