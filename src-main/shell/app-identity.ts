/**
 * Who the app is to the OS. The AppUserModelID must equal electron-builder's
 * `appId` (electron-builder.yml; a test compares them): Windows attributes
 * toasts and the taskbar entry to it and drops notifications from an app
 * whose id matches no Start-menu shortcut.
 */
export const APP_ID = 'dev.nightshift.app';
