package dev.parley.protocols.modbus;

import java.io.IOException;
import java.util.Optional;

/**
 * A Modbus exception response: the server received the request and refused it, with an exception
 * code ({@link ModbusResponseConstants#ILLEGAL_DATA_ADDRESS} ...). The connection stays usable.
 */
public final class ModbusException extends IOException {

  private static final long serialVersionUID = 1L;

  private final int functionCode;
  private final int exceptionCode;

  /** An exception response to function {@code functionCode} (1 to 127) with {@code exceptionCode}. */
  public ModbusException(int functionCode, int exceptionCode) {
    super(name(exceptionCode) + " (exception code " + exceptionCode + ") in answer to function " + functionCode);
    this.functionCode = functionCode;
    this.exceptionCode = exceptionCode;
  }

  /** The function of the refused request, without the high bit its exception response sets. */
  public int functionCode() {
    return functionCode;
  }

  /** Why the server refused it: 1 ILLEGAL FUNCTION, 2 ILLEGAL DATA ADDRESS, 3 ILLEGAL DATA VALUE ... */
  public int exceptionCode() {
    return exceptionCode;
  }

  /** The exception that {@code response} carries, if it is an exception response. */
  public static Optional<ModbusException> of(ModbusResponseMessage response) {
    int code;
    if (response instanceof ReadCoilsExceptionResponse e) {
      code = e.exceptionCode();
    } else if (response instanceof ReadDiscreteInputsExceptionResponse e) {
      code = e.exceptionCode();
    } else if (response instanceof ReadHoldingRegistersExceptionResponse e) {
      code = e.exceptionCode();
    } else if (response instanceof ReadInputRegistersExceptionResponse e) {
      code = e.exceptionCode();
    } else if (response instanceof WriteSingleCoilExceptionResponse e) {
      code = e.exceptionCode();
    } else if (response instanceof WriteSingleRegisterExceptionResponse e) {
      code = e.exceptionCode();
    } else if (response instanceof WriteMultipleCoilsExceptionResponse e) {
      code = e.exceptionCode();
    } else if (response instanceof WriteMultipleRegistersExceptionResponse e) {
      code = e.exceptionCode();
    } else {
      return Optional.empty();
    }
    return Optional.of(new ModbusException(response.typeId() & 0x7F, code));
  }

  /**
   * The exception response to {@code request} with {@code exceptionCode}: the message of the
   * request's function code with the high bit set, with its transaction id and unit id.
   */
  static ModbusResponseMessage response(ModbusRequestMessage request, int exceptionCode) {
    int id = request.transactionId();
    int unit = request.unitId();
    return switch (request.typeId()) {
      case ReadCoils.TYPE_ID -> new ReadCoilsExceptionResponse(id, unit, exceptionCode);
      case ReadDiscreteInputs.TYPE_ID -> new ReadDiscreteInputsExceptionResponse(id, unit, exceptionCode);
      case ReadHoldingRegisters.TYPE_ID -> new ReadHoldingRegistersExceptionResponse(id, unit, exceptionCode);
      case ReadInputRegisters.TYPE_ID -> new ReadInputRegistersExceptionResponse(id, unit, exceptionCode);
      case WriteSingleCoil.TYPE_ID -> new WriteSingleCoilExceptionResponse(id, unit, exceptionCode);
      case WriteSingleRegister.TYPE_ID -> new WriteSingleRegisterExceptionResponse(id, unit, exceptionCode);
      case WriteMultipleCoils.TYPE_ID -> new WriteMultipleCoilsExceptionResponse(id, unit, exceptionCode);
      case WriteMultipleRegisters.TYPE_ID -> new WriteMultipleRegistersExceptionResponse(id, unit, exceptionCode);
      default -> throw new IllegalArgumentException("no exception response for function " + request.typeId());
    };
  }

  /** The name the Modbus specification gives {@code exceptionCode}. */
  static String name(int exceptionCode) {
    return switch (exceptionCode) {
      case ModbusResponseConstants.ILLEGAL_FUNCTION -> "ILLEGAL FUNCTION";
      case ModbusResponseConstants.ILLEGAL_DATA_ADDRESS -> "ILLEGAL DATA ADDRESS";
      case ModbusResponseConstants.ILLEGAL_DATA_VALUE -> "ILLEGAL DATA VALUE";
      case ModbusResponseConstants.SERVER_DEVICE_FAILURE -> "SERVER DEVICE FAILURE";
      case ModbusResponseConstants.ACKNOWLEDGE -> "ACKNOWLEDGE";
      case ModbusResponseConstants.SERVER_DEVICE_BUSY -> "SERVER DEVICE BUSY";
      case ModbusResponseConstants.MEMORY_PARITY_ERROR -> "MEMORY PARITY ERROR";
      case ModbusResponseConstants.GATEWAY_PATH_UNAVAILABLE -> "GATEWAY PATH UNAVAILABLE";
      case ModbusResponseConstants.GATEWAY_TARGET_DEVICE_FAILED_TO_RESPOND -> "GATEWAY TARGET DEVICE FAILED TO RESPOND";
      default -> "an exception code the specification does not name";
    };
  }
}
