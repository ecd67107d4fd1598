package dev.parley.protocols.modbus;

import static dev.parley.protocols.modbus.ModbusResponseConstants.ILLEGAL_DATA_ADDRESS;
import static dev.parley.protocols.modbus.ModbusResponseConstants.ILLEGAL_DATA_VALUE;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The memory of modbus-server and what each function does to it: a table of coils and one of
 * holding registers, all 0 at the start. The server has no inputs of its own, so discrete inputs
 * (function 2) read the coils and input registers (function 4) the holding registers.
 *
 * <p>Each request is checked in the order of the specification's state diagrams (Application
 * Protocol V1.1b3, section 6): its quantity and values first (ILLEGAL DATA VALUE), then its
 * addresses (ILLEGAL DATA ADDRESS), then it is carried out. Not thread-safe: modbus-server uses
 * it from its event loop's one thread.
 */
final class ModbusDevice {

  /** The most coils or discrete inputs one read returns (0x7D0). */
  static final int MAX_READ_BITS = 2000;
  /** The most registers one read returns (0x7D). */
  static final int MAX_READ_REGISTERS = 125;
  /** The most coils one write sets (0x7B0). */
  static final int MAX_WRITE_BITS = 1968;
  /** The most registers one write sets (0x7B). */
  static final int MAX_WRITE_REGISTERS = 123;
  /** Addresses are 16 bits: a table holds at most this many entries. */
  static final int MAX_TABLE = 65536;

  private final int coilCount;
  private final BitSet coils;
  private final int[] registers;

  /**
   * @throws IllegalArgumentException if a size is outside 0 to 65536, the addresses a u16 reaches
   */
  ModbusDevice(int coils, int registers) {
    if (coils < 0 || coils > MAX_TABLE || registers < 0 || registers > MAX_TABLE) {
      throw new IllegalArgumentException(
          "coils " + coils + " and registers " + registers + ": each table holds 0 to " + MAX_TABLE + " entries");
    }
    this.coilCount = coils;
    this.coils = new BitSet(coils);
    this.registers = new int[registers];
  }

  /** The response to {@code request}: what the function returns, or its exception response. */
  ModbusResponseMessage answer(ModbusRequestMessage request) {
    int id = request.transactionId();
    int unit = request.unitId();
    int refusal;
    if (request instanceof ReadCoils r) {
      refusal = checkRange(r.quantity(), MAX_READ_BITS, r.address(), coilCount);
      if (refusal == 0) {
        return new ReadCoilsResponse(id, unit, Coils.pack(readCoils(r.address(), r.quantity())));
      }
    } else if (request instanceof ReadDiscreteInputs r) {
      refusal = checkRange(r.quantity(), MAX_READ_BITS, r.address(), coilCount);
      if (refusal == 0) {
        return new ReadDiscreteInputsResponse(id, unit, Coils.pack(readCoils(r.address(), r.quantity())));
      }
    } else if (request instanceof ReadHoldingRegisters r) {
      refusal = checkRange(r.quantity(), MAX_READ_REGISTERS, r.address(), registers.length);
      if (refusal == 0) {
        return new ReadHoldingRegistersResponse(id, unit, readRegisters(r.address(), r.quantity()));
      }
    } else if (request instanceof ReadInputRegisters r) {
      refusal = checkRange(r.quantity(), MAX_READ_REGISTERS, r.address(), registers.length);
      if (refusal == 0) {
        return new ReadInputRegistersResponse(id, unit, readRegisters(r.address(), r.quantity()));
      }
    } else if (request instanceof WriteSingleCoil w) {
      refusal = w.value() != ModbusRequestConstants.COIL_ON && w.value() != ModbusRequestConstants.COIL_OFF
          ? ILLEGAL_DATA_VALUE
          : checkRange(1, 1, w.address(), coilCount);
      if (refusal == 0) {
        coils.set(w.address(), w.value() == ModbusRequestConstants.COIL_ON);
        return new WriteSingleCoilResponse(id, unit, w.address(), w.value());
      }
    } else if (request instanceof WriteSingleRegister w) {
      refusal = checkRange(1, 1, w.address(), registers.length);
      if (refusal == 0) {
        registers[w.address()] = w.value();
        return new WriteSingleRegisterResponse(id, unit, w.address(), w.value());
      }
    } else if (request instanceof WriteMultipleCoils w) {
      refusal = w.values().size() != Coils.byteCount(w.quantity())
          ? ILLEGAL_DATA_VALUE
          : checkRange(w.quantity(), MAX_WRITE_BITS, w.address(), coilCount);
      if (refusal == 0) {
        List<Boolean> values = Coils.unpack(w.values(), w.quantity());
        for (int i = 0; i < values.size(); i++) {
          coils.set(w.address() + i, values.get(i));
        }
        return new WriteMultipleCoilsResponse(id, unit, w.address(), w.quantity());
      }
    } else if (request instanceof WriteMultipleRegisters w) {
      List<Integer> values = w.registers().values();
      refusal = values.size() != w.quantity()
          ? ILLEGAL_DATA_VALUE
          : checkRange(w.quantity(), MAX_WRITE_REGISTERS, w.address(), registers.length);
      if (refusal == 0) {
        for (int i = 0; i < values.size(); i++) {
          registers[w.address() + i] = values.get(i);
        }
        return new WriteMultipleRegistersResponse(id, unit, w.address(), w.quantity());
      }
    } else {
      throw new IllegalArgumentException("not a request modbus-server knows: " + request);
    }
    return ModbusException.response(request, refusal);
  }

  /**
   * 0 if {@code quantity} entries from {@code address} may be touched: ILLEGAL DATA VALUE for a
   * quantity outside 1 to {@code max}, ILLEGAL DATA ADDRESS for entries past the table.
   */
  private static int checkRange(int quantity, int max, int address, int tableSize) {
    if (quantity < 1 || quantity > max) {
      return ILLEGAL_DATA_VALUE;
    }
    return address + quantity > tableSize ? ILLEGAL_DATA_ADDRESS : 0;
  }

  private List<Boolean> readCoils(int address, int quantity) {
    List<Boolean> values = new ArrayList<>(quantity);
    for (int i = 0; i < quantity; i++) {
      values.add(coils.get(address + i));
    }
    return values;
  }

  private Registers readRegisters(int address, int quantity) {
    List<Integer> values = new ArrayList<>(quantity);
    for (int i = 0; i < quantity; i++) {
      values.add(registers[address + i]);
    }
    return new Registers(values);
  }
}
