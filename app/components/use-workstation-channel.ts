import { useEffect, useRef } from "react";
import { acceptSyncMessage, openSyncChannel, type SyncMessage } from "./workstation-sync";

type ChannelHandlers = {
  /** A message for this screen (about its claim, or a "claim" move); always the latest render's handler. */
  onMessage: (message: SyncMessage, channel: BroadcastChannel) => void;
  /** Called once the channel is open, to speak first (hello, claim). */
  onOpen: (channel: BroadcastChannel) => void;
};

/**
 * The BroadcastChannel the workstation and its viewer window keep each other in step on (see
 * workstation-sync), for the screen showing `claimId`: opened per claim and closed when the claim
 * changes or the screen goes. Returns the open channel (null without BroadcastChannel) for posting.
 */
export function useWorkstationChannel(claimId: string, handlers: ChannelHandlers) {
  const latest = useRef(handlers);
  latest.current = handlers;
  const channelRef = useRef<BroadcastChannel | null>(null);
  useEffect(() => {
    const channel = openSyncChannel();
    channelRef.current = channel;
    if (!channel) return;
    channel.onmessage = (event: MessageEvent) => {
      const message = acceptSyncMessage(event.data, claimId);
      if (message) latest.current.onMessage(message, channel);
    };
    latest.current.onOpen(channel);
    return () => {
      channelRef.current = null;
      channel.onmessage = null;
      channel.close();
    };
  }, [claimId]);
  return channelRef;
}
